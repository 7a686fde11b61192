// Values that must be unique in the tenant, across every object a readiness check reads, and the clashes with the
// cloud users no sync client owns: the findings no object shows on its own (rules.ts has those).
import type { SourceObject } from '../engine/model.ts';
import { CASE_FOLD, type CloudFacts, type Finding, type Severity, type UnanchoredCloudUser } from './rules.ts';

interface Holder {
  dn: string;
  attribute: string;
  value: string;
}

/**
 * Values that must be unique in the tenant, collected across every object read: UPNs (users), and SMTP addresses
 * (mail and SMTP proxy addresses of users, groups and contacts), compared case-insensitively. An object holding the
 * same address in mail and in its proxy addresses holds it once.
 */
export class DuplicateIndex {
  readonly #upns = new Map<string, Holder[]>();
  readonly #smtp = new Map<string, Holder[]>();
  /** Each user's UPN and mail as read, for the comparison with the cloud. */
  readonly #users: { dn: string; upn: string | undefined; mail: string | undefined }[] = [];

  add(object: SourceObject): void {
    const upn = object.attributes.userprincipalname?.[0];
    const mail = object.attributes.mail?.[0];
    if (object.kind === 'user') {
      this.#users.push({ dn: object.dn, upn, mail });
      if (upn) push(this.#upns, CASE_FOLD(upn), { dn: object.dn, attribute: 'userPrincipalName', value: upn });
    }
    const seen = new Set<string>();
    const holdSmtp = (address: string, attribute: string, value: string) => {
      const key = CASE_FOLD(address);
      if (seen.has(key)) return;
      seen.add(key);
      push(this.#smtp, key, { dn: object.dn, attribute, value });
    };
    if (mail) holdSmtp(mail, 'mail', mail);
    for (const proxy of object.attributes.proxyaddresses ?? []) {
      if (/^smtp:/i.test(proxy)) holdSmtp(proxy.slice(5), 'proxyAddresses', proxy);
    }
  }

  /** Every holder of a value another object holds too, and what clashes with the cloud's unanchored users. */
  findings(cloud: CloudFacts | undefined): Finding[] {
    const findings: Finding[] = [];
    for (const holders of this.#upns.values()) {
      if (holders.length < 2) continue;
      for (const holder of holders) {
        findings.push({
          ...holder,
          code: 'Readiness.upn-duplicate',
          severity: 'error',
          fix: `Give each user its own UPN; also held by ${others(holders, holder)}.`,
        });
      }
    }
    for (const holders of this.#smtp.values()) {
      if (holders.length < 2) continue;
      // Only mail is exported (Entra derives proxy addresses from it): two mails clash at export; a proxy address is a warning.
      const severity: Severity = holders.filter((holder) => holder.attribute === 'mail').length > 1 ? 'error' : 'warning';
      for (const holder of holders) {
        findings.push({
          ...holder,
          code: 'Readiness.smtp-address-duplicate',
          severity,
          fix: `Keep the address on one object only; also held by ${others(holders, holder)}.`,
        });
      }
    }
    if (cloud) findings.push(...this.#cloudClashes(cloud));
    return findings;
  }

  #cloudClashes(cloud: CloudFacts): Finding[] {
    const byUpn = new Map<string, UnanchoredCloudUser>();
    const bySmtp = new Map<string, UnanchoredCloudUser[]>();
    for (const user of cloud.unanchoredUsers) {
      byUpn.set(CASE_FOLD(user.userPrincipalName), user);
      const addresses = new Set(
        [user.mail, ...user.proxyAddresses.filter((proxy) => /^smtp:/i.test(proxy)).map((proxy) => proxy.slice(5))]
          .filter((address) => address)
          .map((address) => CASE_FOLD(address!)),
      );
      for (const address of addresses) push(bySmtp, address, user);
    }
    const findings: Finding[] = [];
    for (const user of this.#users) {
      const upnHolder = user.upn ? byUpn.get(CASE_FOLD(user.upn)) : undefined;
      const mailHolders = user.mail ? (bySmtp.get(CASE_FOLD(user.mail)) ?? []) : [];
      // The user a soft match takes over (its primary SMTP address, else its UPN) is no clash: it becomes this user.
      const mailMatch =
        mailHolders.length === 1 && mailHolders[0]!.mail && CASE_FOLD(mailHolders[0]!.mail) === CASE_FOLD(user.mail!) ? mailHolders[0] : undefined;
      const takenOver = cloud.softMatch ? (mailMatch ?? upnHolder) : undefined;
      if (upnHolder && upnHolder !== takenOver) {
        findings.push({
          dn: user.dn,
          attribute: 'userPrincipalName',
          value: user.upn!,
          code: 'Readiness.upn-taken-in-cloud',
          severity: 'error',
          fix: `The cloud user ${upnHolder.id} (${upnHolder.userPrincipalName}), which no sync client owns, holds this UPN: rename one of them${cloud.softMatch ? '' : ', or enable soft matching if they are the same person'}.`,
        });
      }
      for (const holder of mailHolders) {
        if (holder === takenOver) continue;
        findings.push({
          dn: user.dn,
          attribute: 'mail',
          value: user.mail!,
          code: 'Readiness.mail-taken-in-cloud',
          severity: 'error',
          fix: `The cloud user ${holder.id} (${holder.userPrincipalName}), which no sync client owns, holds this address: remove it from one of them.`,
        });
      }
    }
    return findings;
  }
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function others(holders: readonly Holder[], holder: Holder): string {
  const rest = holders.filter((other) => other !== holder).map((other) => other.dn);
  return rest.length > 3 ? `${rest.slice(0, 3).join('; ')} and ${rest.length - 3} more` : rest.join('; ');
}
