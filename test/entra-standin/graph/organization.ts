// /organization and /domains: the tenant, its initial <name>.onmicrosoft.com domain and the
// verified custom domains that userPrincipalName suffixes must use.

import { graphErrors } from '../errors.ts';
import type { Directory, DomainRecord } from '../directory.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest } from './types.ts';

function domainResource(domain: DomainRecord): Record<string, unknown> {
  return {
    id: domain.id,
    authenticationType: domain.authenticationType,
    availabilityStatus: null,
    isAdminManaged: true,
    isDefault: domain.isDefault,
    isInitial: domain.isInitial,
    isRoot: true,
    isVerified: domain.isVerified,
    supportedServices: domain.isInitial ? ['Email', 'OfficeCommunicationsOnline'] : ['Email'],
    passwordValidityPeriodInDays: 2147483647,
    passwordNotificationWindowInDays: 14,
    state: null,
  };
}

function organizationResource(directory: Directory): Record<string, unknown> {
  return {
    id: directory.tenantId,
    deletedDateTime: null,
    createdDateTime: directory.createdDateTime,
    displayName: directory.organizationName,
    tenantType: 'AAD',
    countryLetterCode: 'US',
    preferredLanguage: 'en',
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    technicalNotificationMails: [],
    verifiedDomains: directory
      .domains()
      .filter((domain) => domain.isVerified)
      .map((domain) => ({
        capabilities: domain.isInitial ? 'Email, OfficeCommunicationsOnline' : 'Email',
        isDefault: domain.isDefault,
        isInitial: domain.isInitial,
        name: domain.id,
        type: domain.authenticationType,
      })),
  };
}

const context = (request: GraphRequest, set: string) => `${request.serviceRoot}/$metadata#${set}`;

export function registerOrganization(router: Router, directory: Directory): void {
  router.add('GET', '/organization', permissions.readOrganization, (request) => ({
    status: 200,
    body: { '@odata.context': context(request, 'organization'), value: [organizationResource(directory)] },
  }));
  router.add('GET', '/organization/{id}', permissions.readOrganization, (request, { id }) => {
    if (id!.toLowerCase() !== directory.tenantId) throw graphErrors.notFound(id!);
    return { status: 200, body: { '@odata.context': context(request, 'organization/$entity'), ...organizationResource(directory) } };
  });
  router.add('GET', '/domains', permissions.readDomains, (request) => ({
    status: 200,
    body: { '@odata.context': context(request, 'domains'), value: directory.domains().map(domainResource) },
  }));
  router.add('GET', '/domains/{id}', permissions.readDomains, (request, { id }) => {
    const domain = directory.domains().find((candidate) => candidate.id === id!.toLowerCase());
    if (!domain) throw graphErrors.notFound(id!);
    return { status: 200, body: { '@odata.context': context(request, 'domains/$entity'), ...domainResource(domain) } };
  });
}
