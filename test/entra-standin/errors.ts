// Every error the stand-in can answer, with the codes and messages real Microsoft Graph and the
// Microsoft identity platform use, so that tests exercise the product's real error handling.

/** A Graph error: becomes `{ error: { code, message, details?, innerError } }` with `status`. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: { code: string; message: string; target: string }[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { target?: string; detailCode?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = options.target ? [{ code: options.detailCode ?? 'InvalidValue', message, target: options.target }] : undefined;
    this.headers = options.headers ?? {};
  }
}

const badRequest = (message: string, options?: { target?: string; detailCode?: string }) =>
  new GraphError(400, 'Request_BadRequest', message, options);

export const graphErrors = {
  // 401 / 403
  tokenMissing: () => new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.'),
  tokenInvalid: (reason: string) => new GraphError(401, 'InvalidAuthenticationToken', `Access token validation failure. ${reason}`),
  tokenExpired: () => new GraphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'),
  insufficientPrivileges: () => new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),

  // routing
  notFound: (id: string) =>
    new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  noSegment: (path: string) => new GraphError(400, 'BadRequest', `Resource not found for the segment '${path}'.`),
  methodNotAllowed: () => new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),
  invalidJson: () =>
    new GraphError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    ),

  // property validation
  requiredProperty: (property: string, resource: string) =>
    badRequest(`A value is required for property '${property}' of resource '${resource}'.`, {
      target: property,
      detailCode: 'MissingRequiredProperty',
    }),
  invalidValue: (property: string, resource: string) =>
    badRequest(`Invalid value specified for property '${property}' of resource '${resource}'.`, { target: property }),
  readOnlyProperty: (property: string) => badRequest(`Property '${property}' is read-only and cannot be set.`, { target: property }),
  unknownProperty: (property: string) => badRequest(`Property '${property}' does not exist as a declared property or extension property.`),
  conflict: (property: string) =>
    badRequest(`Another object with the same value for property ${property} already exists.`, { target: property, detailCode: 'ObjectConflict' }),
  upnDomainNotVerified: () =>
    badRequest(
      'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
      { target: 'userPrincipalName' },
    ),
  passwordComplexity: () =>
    badRequest('The specified password does not comply with password complexity requirements. Please provide a different password.'),
  mailEnabledGroupWrite: () =>
    badRequest(
      'The service does not currently support writes of mail-enabled groups. Ensure that the mailEnabled property is unset and the securityEnabled property is set to true.',
    ),
  syncedObjectWrite: () =>
    badRequest(
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    ),
  tooManyLinkChanges: () => badRequest('A resource cannot contain more than 20 link changes.'),
  referenceExists: () => badRequest("One or more added object references already exist for the following modified properties: 'members'."),
  invalidReference: () => badRequest('Invalid object identifier'),
  extensionPropertyExists: (name: string) => badRequest(`An extension property exists with the name ${name}.`),

  // role-assignable groups and role management
  roleAssignableGroupNesting: () => badRequest('Nesting is currently not supported for groups that can be assigned to a role.'),
  roleAssignableGroupInvalid: () =>
    badRequest("A group with 'isAssignableToRole' set to true must be security-enabled and cannot have dynamic membership.", {
      target: 'isAssignableToRole',
    }),
  notRoleAssignable: () =>
    badRequest('Only users, service principals and groups created with isAssignableToRole set to true can be assigned a directory role.'),
  unsupportedDirectoryScope: (scope: string) => badRequest(`The directory scope '${scope}' is not supported.`, { target: 'directoryScopeId' }),
  roleAssignmentExists: () => badRequest('A conflicting object with one or more of the specified property values is present in the directory.'),
  unsupportedRoleFilter: (property: string, operator: string) =>
    new GraphError(400, 'BadRequest', `The '${operator}' operator is not supported on property '${property}' of this resource.`),
  premiumLicenseRequired: () =>
    new GraphError(400, 'AadPremiumLicenseRequired', 'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.'),

  // query options
  unknownQueryProperty: (property: string, type: string) =>
    new GraphError(400, 'BadRequest', `Could not find a property named '${property}' on type 'microsoft.graph.${type}'.`),
  invalidFilter: (detail: string) => new GraphError(400, 'BadRequest', `Invalid filter clause: ${detail}`),
  unsupportedFilter: () =>
    new GraphError(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified for property of resource.'),
  /** A filter clause the collection does not serve (or serves only as an advanced query). */
  unsupportedFilterClause: (property: string, resource: string) =>
    new GraphError(
      400,
      'Request_UnsupportedQuery',
      `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`,
    ),
  countNeedsEventual: () => badRequest('$count is not currently supported.'),
  rawCountNeedsEventual: () =>
    new GraphError(
      400,
      'Request_UnsupportedQuery',
      "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
    ),
  invalidPageSize: (value: string) => badRequest(`Invalid page size specified: '${value}'. Must be between 1 and 999 inclusive.`),
  invalidSkipToken: () => badRequest('Invalid paging token. Use the @odata.nextLink returned by the previous page.'),
  // Delta links of directory objects live seven days; later (or unknown) tokens: "BadRequest response with the error
  // code syncStateNotFound and the following error message: The sync state generation is not found. The delta token
  // is expired and data must be synchronized again." (Microsoft 365 Developer Blog, 2020-07-03; errors.md lists the code)
  syncStateNotFound: () =>
    new GraphError(
      400,
      'syncStateNotFound',
      'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
    ),
  // "Delta query can return a response code of 410 (gone) and a Location header containing a request URL with an empty
  // $deltaToken (same as the initial query)." (delta query overview, Synchronization reset); the code and text are
  // errors.md's resyncRequired.
  resyncRequired: (location: string) =>
    new GraphError(410, 'resyncRequired', 'The delta token is no longer valid, and the app must reset the sync state.', {
      headers: { Location: location },
    }),
  tooManyOrClauses: (count: number) =>
    new GraphError(
      400,
      'Request_UnsupportedQuery',
      `Too many child clauses specified in search filter expression containing 'OR' operators: ${count}. Max allowed: 15.`,
    ),

  // $batch
  batchTooLarge: () => new GraphError(400, 'BadRequest', 'Number of requests inside batch exceeds the limit.'),
  batchInvalid: (detail: string) => new GraphError(400, 'BadRequest', `Invalid batch payload format. ${detail}`),
  batchAbsoluteUrl: (id: string) =>
    new GraphError(400, 'BadRequest', `Invalid request URL for request '${id}': batch requests take URLs relative to the version, e.g. '/users'.`),
  batchBodyWithoutContentType: () => new GraphError(400, 'BadRequest', 'Content-Type header must be specified for a request with a body.'),
  failedDependency: () => new GraphError(424, 'FailedDependency', 'The request could not be processed because a request it depends on failed.'),

  // throttling and injected faults
  throttled: (retryAfterSeconds: number) =>
    new GraphError(429, 'TooManyRequests', 'Please retry again later.', { headers: { 'Retry-After': String(retryAfterSeconds) } }),
  serviceUnavailable: () => new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'),
  internalServerError: () => new GraphError(500, 'generalException', 'An unexpected error occurred while processing the request.'),
};

/** An OAuth error from the identity platform: `{ error, error_description: "AADSTSnnn: …", error_codes, … }`. */
export class IdentityError extends Error {
  readonly status: number;
  readonly error: string;
  readonly aadstsCode: number | undefined;

  constructor(status: number, error: string, aadstsCode: number | undefined, description: string) {
    super(description);
    this.status = status;
    this.error = error;
    this.aadstsCode = aadstsCode;
  }
}

export const identityErrors = {
  unknownTenant: (tenant: string) =>
    new IdentityError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  unknownApplication: (clientId: string, tenant: string) =>
    new IdentityError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  wrongSecret: (clientId: string) =>
    new IdentityError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  missingCredential: () =>
    new IdentityError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  unknownCertificate: (thumbprint: string, clientId: string) =>
    new IdentityError(
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
    ),
  assertionSignature: () => new IdentityError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.'),
  assertionAudience: (audience: string) =>
    new IdentityError(
      401,
      'invalid_client',
      700027,
      `Client assertion contains an invalid audience claim '${audience}'; it must be the token endpoint.`,
    ),
  assertionSubject: () =>
    new IdentityError(401, 'invalid_client', 700021, "Client assertion application identifier doesn't match 'client_id' parameter."),
  assertionExpired: () => new IdentityError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.'),
  missingParameter: (name: string) =>
    new IdentityError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string) =>
    new IdentityError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  scopeNeedsDefault: (scope: string) =>
    new IdentityError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  unknownResource: (resource: string, tenant: string) =>
    new IdentityError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  publicClientNotAllowed: () =>
    new IdentityError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  authorizationPending: () =>
    new IdentityError(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'),
  deviceCodeExpired: () =>
    new IdentityError(
      400,
      'expired_token',
      70020,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  badDeviceCode: () => new IdentityError(400, 'invalid_grant', 70000, "The provided value for the input parameter 'device_code' is not valid."),
  badRefreshToken: () => new IdentityError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.'),
};
