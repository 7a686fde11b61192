// The attribute flow DirSync uses unless told otherwise: the original's, within what Graph lets an application write
// (product.md), written as a mapping like any custom one. Targets keep this order in what DirSync sends.
import type { ObjectType } from './targets.ts';

const extensionAttributes: [string, string][] = Array.from({ length: 15 }, (_, index) => [
  `onPremisesExtensionAttributes.extensionAttribute${index + 1}`,
  `[extensionAttribute${index + 1}]`,
]);

export const DEFAULT_MAPPING: Readonly<Record<ObjectType, readonly (readonly [target: string, expression: string])[]>> = {
  user: [
    // userAccountControl bit 0x2 is ACCOUNTDISABLE.
    ['accountEnabled', 'Not(CBool(BitAnd([userAccountControl], 2)))'],
    ['displayName', 'Coalesce([displayName], [cn], [name], [sAMAccountName])'],
    ['givenName', '[givenName]'],
    ['surname', '[sn]'],
    ['userPrincipalName', 'Coalesce([userPrincipalName], [sAMAccountName])'],
    ['mailNickname', 'Coalesce([mailNickname], [sAMAccountName], Word([userPrincipalName], 1, "@"))'],
    ['mail', '[mail]'],
    ['jobTitle', '[title]'],
    ['department', '[department]'],
    ['companyName', '[company]'],
    ['officeLocation', '[physicalDeliveryOfficeName]'],
    ['streetAddress', '[streetAddress]'],
    ['city', '[l]'],
    ['state', '[st]'],
    ['postalCode', '[postalCode]'],
    ['country', '[co]'],
    ['usageLocation', '[c]'],
    ['businessPhones', '[telephoneNumber]'],
    ['mobilePhone', '[mobile]'],
    ['faxNumber', '[facsimileTelephoneNumber]'],
    ['employeeId', '[employeeID]'],
    ...extensionAttributes,
  ],
  group: [
    ['displayName', 'Coalesce([displayName], [cn], [name], [sAMAccountName])'],
    ['description', '[description]'],
    ['mailNickname', 'Coalesce([mailNickname], [sAMAccountName], [cn])'],
  ],
};
