// /roleManagement/directory: active role assignments (the same facts as directoryRole members, at
// directory scope '/') and PIM eligibilities (roleEligibilityScheduleInstances, P2 only). Each
// collection accepts only the $filter operators its documentation lists per property.

import { graphErrors } from '../errors.ts';
import type { Directory, DirectoryObject } from '../directory.ts';
import { roleAssignmentSchema, roleEligibilityInstanceSchema, type ResourceSchema } from '../schema.ts';
import { roleNameOf } from '../roles.ts';
import { entityResponse, listCollection } from '../odata/query.ts';
import { evaluateFilter, parseFilter, type FilterNode } from '../odata/filter.ts';
import { assertAssignablePrincipal } from './directory-objects.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest, GraphResponse } from './types.ts';
import { requestBody } from './writes.ts';

const base = '/roleManagement/directory';

/** Operators each filterable property documents (unifiedRoleAssignment: eq, in; eligibility instances: eq, ne). */
type FilterRules = Record<string, ReadonlySet<string>>;
const assignmentFilters: FilterRules = Object.fromEntries(
  ['principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId'].map((property) => [property, new Set(['eq', 'in'])]),
);
const eligibilityFilters: FilterRules = Object.fromEntries(
  ['principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId', 'memberType', 'roleEligibilityScheduleId'].map((property) => [
    property,
    new Set(['eq', 'ne']),
  ]),
);

/** Rejects a property or operator the collection does not support; `and`/`or` combine supported comparisons. */
function assertSupportedFilter(node: FilterNode, rules: FilterRules, schema: ResourceSchema): void {
  const check = (property: string, operator: string): void => {
    const allowed = Object.entries(rules).find(([name]) => name.toLowerCase() === property.toLowerCase())?.[1];
    if (!allowed) throw graphErrors.unknownQueryProperty(property, schema.type);
    if (!allowed.has(operator)) throw graphErrors.unsupportedRoleFilter(property, operator);
  };
  switch (node.kind) {
    case 'and':
    case 'or':
      assertSupportedFilter(node.left, rules, schema);
      assertSupportedFilter(node.right, rules, schema);
      return;
    case 'compare': {
      const property = [node.left, node.right].find((operand) => operand.kind === 'property');
      if (property?.kind !== 'property') throw graphErrors.unsupportedFilter();
      check(property.path.join('/'), node.op);
      return;
    }
    case 'in': {
      if (node.left.kind !== 'property') throw graphErrors.unsupportedFilter();
      check(node.left.path.join('/'), 'in');
      return;
    }
    default:
      throw graphErrors.unsupportedFilter();
  }
}

/** Records as objects the OData layer pages and serialises. */
const asObjects = (type: DirectoryObject['type'], records: readonly { id: string }[]): DirectoryObject[] =>
  records.map((record) => ({ type, id: record.id, props: { ...record }, members: [] })).sort((a, b) => a.id.localeCompare(b.id));

function filteredCollection(
  request: GraphRequest,
  objects: DirectoryObject[],
  schema: ResourceSchema,
  rules: FilterRules,
  contextPath: string,
): GraphResponse {
  const filterText = request.query.get('$filter');
  let matching = objects;
  if (filterText) {
    const filter = parseFilter(filterText);
    assertSupportedFilter(filter, rules, schema);
    matching = objects.filter((object) =>
      evaluateFilter(filter, (path) => {
        const key = Object.keys(object.props).find((name) => name.toLowerCase() === path.join('/').toLowerCase());
        return key === undefined ? undefined : object.props[key];
      }),
    );
  }
  const query = new URLSearchParams(request.query);
  query.delete('$filter');
  const page = listCollection({ ...request, query }, matching, { schema, extensionNames: [], contextPath });
  // The next page repeats the filter, as Graph's nextLink does.
  const body = page.body as Record<string, unknown>;
  if (filterText && typeof body['@odata.nextLink'] === 'string') {
    const next = new URL(body['@odata.nextLink']);
    next.searchParams.set('$filter', filterText);
    body['@odata.nextLink'] = next.toString();
  }
  return page;
}

export function registerRoleManagement(router: Router, directory: Directory): void {
  const assignments = () => asObjects('unifiedRoleAssignment', directory.roleAssignments());
  const assignmentContext = { schema: roleAssignmentSchema, extensionNames: [], contextPath: 'roleManagement/directory/roleAssignments' };
  const findAssignment = (id: string): DirectoryObject => {
    const assignment = assignments().find((candidate) => candidate.id === id);
    if (!assignment) throw graphErrors.notFound(id);
    return assignment;
  };

  router.add('GET', `${base}/roleAssignments`, permissions.readRoles, (request) =>
    filteredCollection(request, assignments(), roleAssignmentSchema, assignmentFilters, assignmentContext.contextPath),
  );

  router.add('GET', `${base}/roleAssignments/{id}`, permissions.readRoles, (request, { id }) =>
    entityResponse(request, findAssignment(id!), assignmentContext),
  );

  // Tenant-wide assignments only: administrative units (the other directory scopes) are not modelled.
  router.add('POST', `${base}/roleAssignments`, permissions.writeRoles, (request) => {
    const body = requestBody(request);
    for (const property of ['principalId', 'roleDefinitionId', 'directoryScopeId'] as const) {
      if (typeof body[property] !== 'string' || body[property] === '')
        throw graphErrors.requiredProperty(property, roleAssignmentSchema.resourceName);
    }
    const roleDefinitionId = String(body.roleDefinitionId).toLowerCase();
    if (!roleNameOf(roleDefinitionId)) throw graphErrors.notFound(roleDefinitionId);
    if (body.directoryScopeId !== '/') throw graphErrors.unsupportedDirectoryScope(String(body.directoryScopeId));
    const principal = assertAssignablePrincipal(directory, String(body.principalId));
    const role = directory.activateRole(roleDefinitionId);
    if (role.members.includes(principal.id)) throw graphErrors.roleAssignmentExists();
    directory.addMember(role, principal.id);
    const created = assignments().find(
      (candidate) => candidate.props.principalId === principal.id && candidate.props.roleDefinitionId === roleDefinitionId,
    )!;
    return entityResponse(request, created, assignmentContext, 201);
  });

  router.add('DELETE', `${base}/roleAssignments/{id}`, permissions.writeRoles, (_request, { id }) => {
    const assignment = findAssignment(id!);
    const role = directory.list('directoryRole').find((candidate) => candidate.props.roleTemplateId === assignment.props.roleDefinitionId)!;
    directory.removeMember(role, String(assignment.props.principalId));
    return { status: 204 };
  });

  // PIM needs Entra ID P2 (or ID Governance): without it Graph answers 400 AadPremiumLicenseRequired.
  const eligibilities = (): DirectoryObject[] => {
    if (!directory.licenses().entraIdP2) throw graphErrors.premiumLicenseRequired();
    return asObjects('unifiedRoleEligibilityScheduleInstance', directory.eligibilities());
  };
  const eligibilityContextPath = 'roleManagement/directory/roleEligibilityScheduleInstances';

  router.add('GET', `${base}/roleEligibilityScheduleInstances`, permissions.readRoleEligibility, (request) =>
    filteredCollection(request, eligibilities(), roleEligibilityInstanceSchema, eligibilityFilters, eligibilityContextPath),
  );

  router.add('GET', `${base}/roleEligibilityScheduleInstances/{id}`, permissions.readRoleEligibility, (request, { id }) => {
    const instance = eligibilities().find((candidate) => candidate.id === id);
    if (!instance) throw graphErrors.notFound(id!);
    return entityResponse(request, instance, { schema: roleEligibilityInstanceSchema, extensionNames: [], contextPath: eligibilityContextPath });
  });
}
