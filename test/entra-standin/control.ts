// Test-only controls, as a JS object and under /_standin/… (a path Graph never uses): seed objects,
// inject faults, read the request log, reset, snapshot, add domains and app registrations, set the
// write budget, approve device codes, mint tokens, advance the directory clock (soft-deleted items
// and delta links age with it), invalidate delta links, assign directory roles and PIM eligibilities,
// set the tenant's licences.

import { randomBytes, randomUUID } from 'node:crypto';
import type { AppRegistration, Directory, DirectoryObject, RoleAssignment, TenantLicenses } from './directory.ts';
import type { FaultInjector, FaultRule } from './faults.ts';
import type { IdentityPlatform } from './identity/identity-platform.ts';
import { thumbprints } from './identity/identity-platform.ts';
import type { TokenService } from './identity/tokens.ts';
import type { LoggedRequest, RequestLog } from './request-log.ts';
import type { ThrottleOptions, WriteBudget } from './throttle.ts';
import { roleTemplateId, type RoleEligibility } from './roles.ts';

/** Directory roles a seeded principal holds (`roles`, active) or may activate through PIM (`eligibleRoles`), by name or template id. */
export interface SeedRoles {
  roles?: string[];
  eligibleRoles?: string[];
}

/** A user as a test wants it: Graph properties, plus its directory roles. */
export type SeedUser = { userPrincipalName: string } & SeedRoles & Record<string, unknown>;
/**
 * A group; `members` are ids or user principal names of objects that exist already. Roles need
 * `isAssignableToRole: true`, as in Entra ID.
 */
export type SeedGroup = { displayName: string; members?: string[] } & SeedRoles & Record<string, unknown>;

export interface EligibilityRequest {
  /** Id or user principal name of a user, or id of a role-assignable group. */
  principal: string;
  /** Role name ('Global Administrator') or template id. */
  role: string;
  startDateTime?: string;
  /** Default: permanently eligible. */
  endDateTime?: string | null;
}
export type SeedContact = { displayName: string } & Record<string, unknown>;

export interface SeedRequest {
  users?: SeedUser[];
  groups?: SeedGroup[];
  contacts?: SeedContact[];
}

export interface SnapshotObject {
  id: string;
  type: string;
  props: Record<string, unknown>;
  members: string[];
  /** A user's manager (object id), if any. */
  manager?: string;
}

export interface DirectorySnapshot {
  counts: { users: number; groups: number; contacts: number; deletedUsers: number; deletedGroups: number; applications: number };
  users: SnapshotObject[];
  groups: SnapshotObject[];
  contacts: SnapshotObject[];
  deletedItems: SnapshotObject[];
  /** Active tenant-wide role assignments (directoryRole memberships). */
  roleAssignments: RoleAssignment[];
  /** Eligibilities in effect now. */
  roleEligibilities: RoleEligibility[];
}

export interface CreatedApplication {
  appId: string;
  objectId: string;
  servicePrincipalId: string;
  clientSecret: string;
}

export interface CreateApplicationOptions {
  roles: string[];
  certificatePem?: string;
  displayName?: string;
  allowPublicClient?: boolean;
}

export interface StandInControl {
  seed(request: SeedRequest): { users: SnapshotObject[]; groups: SnapshotObject[]; contacts: SnapshotObject[] };
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  requests(): LoggedRequest[];
  clearRequests(): void;
  /** Empties users, groups, contacts, deleted items, faults and the log; re-creates the administrator. */
  reset(): void;
  snapshot(): DirectorySnapshot;
  /** The live user whose onPremisesImmutableId is `immutableId` (soft-deleted ones are in snapshot().deletedItems). */
  findByImmutableId(immutableId: string): SnapshotObject | undefined;
  addVerifiedDomain(name: string): void;
  createApplication(options: CreateApplicationOptions): CreatedApplication;
  setThrottle(options: ThrottleOptions | undefined): void;
  approveDeviceCode(userCode: string, userPrincipalName?: string): void;
  /** A Graph access token for an app with the given roles (default: the pre-created app's). */
  issueAccessToken(options?: { appId?: string; roles?: string[]; lifetimeSeconds?: number; audience?: string }): Promise<string>;
  /** Moves the directory clock: soft-deleted items are purged after 30 days, delta links expire after 7. */
  advanceClock(ms: number): void;
  /**
   * Starts a new delta sync state: every delta and skip token issued so far answers 410 Gone with a Location
   * to start over (what Entra ID does after "internal maintenance or migration of the target tenant").
   */
  resetDeltaSyncState(): void;
  /** Assigns a directory role tenant-wide to a user or a role-assignable group. */
  assignRole(principal: string, role: string): RoleAssignment;
  /** Makes a user or role-assignable group eligible for a role (PIM). */
  addRoleEligibility(request: EligibilityRequest): RoleEligibility;
  /** Licences of the tenant (default: Entra ID P2, so PIM answers). reset() restores the default. */
  setLicenses(licenses: Partial<TenantLicenses>): void;
}

export const administratorUserName = 'admin';

function snapshotObject(object: DirectoryObject): SnapshotObject {
  const { passwordProfile: _password, ...props } = object.props;
  return { id: object.id, type: object.type, props, members: [...object.members], ...(object.manager ? { manager: object.manager } : {}) };
}

export function newApplication(options: CreateApplicationOptions): AppRegistration {
  const servicePrincipalId = randomUUID();
  return {
    objectId: randomUUID(),
    appId: randomUUID(),
    servicePrincipalId,
    displayName: options.displayName ?? 'DirSync',
    createdDateTime: new Date().toISOString(),
    clientSecret: randomBytes(30).toString('base64url'),
    certificates: options.certificatePem ? [{ pem: options.certificatePem, ...thumbprints(options.certificatePem) }] : [],
    roles: [...options.roles],
    allowPublicClient: options.allowPublicClient ?? true,
    ownerIds: [servicePrincipalId],
    extensionProperties: [],
  };
}

export function createControl(deps: {
  directory: Directory;
  faults: FaultInjector;
  log: RequestLog;
  budget: WriteBudget;
  identity: IdentityPlatform;
  tokens: TokenService;
  defaultApp: () => AppRegistration;
  graphAudience: string;
}): StandInControl {
  const { directory } = deps;

  const resolve = (idOrUpn: string): string => {
    const object =
      directory.get(idOrUpn) ?? directory.list('user').find((user) => String(user.props.userPrincipalName).toLowerCase() === idOrUpn.toLowerCase());
    if (!object) throw new Error(`Cannot seed membership: no object '${idOrUpn}'. Seed members before the groups that contain them.`);
    return object.id;
  };

  /** Only users and role-assignable groups can hold or be eligible for a role. */
  const rolePrincipal = (idOrUpn: string): DirectoryObject => {
    const principal = directory.get(resolve(idOrUpn))!;
    if (principal.type === 'group' && principal.props.isAssignableToRole !== true) {
      throw new Error(`Group '${principal.props.displayName}' cannot hold a directory role: seed it with isAssignableToRole: true.`);
    }
    if (principal.type !== 'user' && principal.type !== 'group') throw new Error(`A ${principal.type} cannot hold a directory role.`);
    return principal;
  };

  const assignRole = (principal: string, roleName: string): RoleAssignment => {
    const templateId = roleTemplateId(roleName);
    const principalId = rolePrincipal(principal).id;
    const role = directory.activateRole(templateId);
    if (!role.members.includes(principalId)) directory.addMember(role, principalId);
    return directory.roleAssignments().find((assignment) => assignment.principalId === principalId && assignment.roleDefinitionId === templateId)!;
  };

  const addRoleEligibility = (request: EligibilityRequest): RoleEligibility => {
    const scheduleId = randomUUID();
    const eligibility: RoleEligibility = {
      id: scheduleId,
      principalId: rolePrincipal(request.principal).id,
      roleDefinitionId: roleTemplateId(request.role),
      directoryScopeId: '/',
      appScopeId: null,
      startDateTime: request.startDateTime ?? new Date(directory.now()).toISOString(),
      endDateTime: request.endDateTime ?? null,
      memberType: 'Direct',
      roleEligibilityScheduleId: scheduleId,
    };
    directory.addEligibility(eligibility);
    return eligibility;
  };

  const grantSeededRoles = (principal: DirectoryObject, { roles = [], eligibleRoles = [] }: SeedRoles): void => {
    for (const role of roles) assignRole(principal.id, role);
    for (const role of eligibleRoles) addRoleEligibility({ principal: principal.id, role });
  };

  const seedUser = ({ roles, eligibleRoles, ...props }: SeedUser): DirectoryObject => {
    const localPart = props.userPrincipalName.split('@')[0]!;
    const mail = typeof props.mail === 'string' ? props.mail : undefined;
    const user = directory.insert('user', {
      accountEnabled: true,
      displayName: localPart,
      mailNickname: localPart,
      userType: 'Member',
      onPremisesSyncEnabled: null,
      proxyAddresses: mail ? [`SMTP:${mail}`] : [],
      ...props,
    });
    grantSeededRoles(user, { roles, eligibleRoles });
    return user;
  };

  const seedAdministrator = (): void => {
    seedUser({
      userPrincipalName: `${administratorUserName}@${directory.initialDomain}`,
      displayName: 'Tenant Administrator',
      roles: ['Global Administrator'],
    });
  };

  const control: StandInControl = {
    seed(request) {
      const users = (request.users ?? []).map(seedUser);
      const groups = (request.groups ?? []).map(({ members = [], roles, eligibleRoles, ...props }) => {
        const group = directory.insert(
          'group',
          {
            mailEnabled: false,
            securityEnabled: true,
            groupTypes: [],
            mailNickname: props.displayName.replace(/[^A-Za-z0-9]/g, ''),
            mail: null,
            onPremisesSyncEnabled: null,
            proxyAddresses: typeof props.mail === 'string' ? [`SMTP:${props.mail}`] : [],
            ...props,
          },
          [...new Set(members.map(resolve))],
        );
        grantSeededRoles(group, { roles, eligibleRoles });
        return group;
      });
      const contacts = (request.contacts ?? []).map((props) =>
        directory.insert('orgContact', {
          proxyAddresses: typeof props.mail === 'string' ? [`SMTP:${props.mail}`] : [],
          onPremisesSyncEnabled: null,
          ...props,
        }),
      );
      return { users: users.map(snapshotObject), groups: groups.map(snapshotObject), contacts: contacts.map(snapshotObject) };
    },
    addFault: (rule) => deps.faults.add(rule),
    clearFaults: () => deps.faults.clear(),
    requests: () => deps.log.entries(),
    clearRequests: () => deps.log.clear(),
    reset() {
      directory.clearObjects();
      // The apps stay, with their extension definitions; what was written on them (e.g. an extension value) goes.
      for (const app of directory.applications()) delete app.properties;
      deps.faults.clear();
      deps.log.clear();
      seedAdministrator();
    },
    snapshot() {
      const deleted = [...directory.deletedItems('user'), ...directory.deletedItems('group')];
      return {
        counts: {
          users: directory.count('user'),
          groups: directory.count('group'),
          contacts: directory.count('orgContact'),
          deletedUsers: directory.deletedItems('user').length,
          deletedGroups: directory.deletedItems('group').length,
          applications: directory.applications().length,
        },
        users: directory.list('user').map(snapshotObject),
        groups: directory.list('group').map(snapshotObject),
        contacts: directory.list('orgContact').map(snapshotObject),
        deletedItems: deleted.map(snapshotObject),
        roleAssignments: directory.roleAssignments(),
        roleEligibilities: directory.eligibilities(),
      };
    },
    findByImmutableId(immutableId) {
      const found = directory.list('user').find((user) => user.props.onPremisesImmutableId === immutableId);
      return found ? snapshotObject(found) : undefined;
    },
    addVerifiedDomain: (name) => directory.addDomain(name),
    createApplication(options) {
      const app = newApplication(options);
      directory.addApplication(app);
      return { appId: app.appId, objectId: app.objectId, servicePrincipalId: app.servicePrincipalId, clientSecret: app.clientSecret! };
    },
    setThrottle: (options) => deps.budget.configure(options),
    approveDeviceCode(userCode, userPrincipalName = `${administratorUserName}@${directory.initialDomain}`) {
      deps.identity.approveDeviceCode(userCode, resolve(userPrincipalName));
    },
    async issueAccessToken(options = {}) {
      const app = options.appId ? directory.applicationByAppId(options.appId) : deps.defaultApp();
      if (!app) throw new Error(`No application with appId '${options.appId}'.`);
      const { token } = await deps.tokens.issue({
        appId: app.appId,
        objectId: app.servicePrincipalId,
        audience: options.audience ?? deps.graphAudience,
        roles: options.roles ?? app.roles,
        ...(options.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: options.lifetimeSeconds }),
      });
      return token;
    },
    advanceClock: (ms) => directory.advanceClock(ms),
    resetDeltaSyncState: () => directory.startNewSyncGeneration(),
    assignRole,
    addRoleEligibility,
    setLicenses: (licenses) => directory.setLicenses(licenses),
  };
  if (directory.count('user') === 0) seedAdministrator();
  return control;
}

/** /_standin/… over HTTP, for a stand-in running as its own process. */
export async function handleControlRequest(
  control: StandInControl,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body?: unknown }> {
  const input = (body ?? {}) as Record<string, unknown>;
  switch (`${method} ${path}`) {
    case 'POST /_standin/seed':
      return { status: 200, body: control.seed(input as SeedRequest) };
    case 'POST /_standin/faults':
      control.addFault(input as unknown as FaultRule);
      return { status: 204 };
    case 'DELETE /_standin/faults':
      control.clearFaults();
      return { status: 204 };
    case 'GET /_standin/requests':
      return { status: 200, body: { value: control.requests() } };
    case 'DELETE /_standin/requests':
      control.clearRequests();
      return { status: 204 };
    case 'POST /_standin/reset':
      control.reset();
      return { status: 204 };
    case 'GET /_standin/snapshot':
      return { status: 200, body: control.snapshot() };
    case 'POST /_standin/domains':
      control.addVerifiedDomain(String(input.name));
      return { status: 204 };
    case 'POST /_standin/applications':
      return { status: 201, body: control.createApplication(input as unknown as CreateApplicationOptions) };
    case 'PUT /_standin/throttle':
      control.setThrottle(input.writes ? (input as unknown as ThrottleOptions) : undefined);
      return { status: 204 };
    case 'POST /_standin/device-codes/approve':
      control.approveDeviceCode(String(input.userCode), input.userPrincipalName === undefined ? undefined : String(input.userPrincipalName));
      return { status: 204 };
    case 'POST /_standin/tokens':
      return { status: 200, body: { access_token: await control.issueAccessToken(input) } };
    case 'POST /_standin/clock/advance':
      control.advanceClock(Number(input.ms));
      return { status: 204 };
    case 'POST /_standin/delta/reset':
      control.resetDeltaSyncState();
      return { status: 204 };
    case 'POST /_standin/role-assignments':
      return { status: 201, body: control.assignRole(String(input.principal), String(input.role)) };
    case 'POST /_standin/role-eligibilities':
      return { status: 201, body: control.addRoleEligibility(input as unknown as EligibilityRequest) };
    case 'PUT /_standin/licenses':
      control.setLicenses(input as Partial<TenantLicenses>);
      return { status: 204 };
    default:
      return { status: 404, body: { error: `Unknown control endpoint ${method} ${path}.` } };
  }
}
