// What the tests mean by "written to the tenant": requests that change its directory objects. Sign-in, the $batch
// envelope (its items are logged one by one) and DirSync's own active-installation lease (a PATCH of its application
// object, which every run that may write renews first, and the registration of that property) are not.
import type { EntraStandIn } from '../entra-standin/stand-in.ts';

type LoggedRequest = ReturnType<EntraStandIn['control']['requests']>[number];

const isLeaseRequest = (request: LoggedRequest) => request.path.startsWith('/v1.0/applications/');

export function directoryWrites(standIn: EntraStandIn): LoggedRequest[] {
  return standIn.control
    .requests()
    .filter(
      (request) =>
        request.method !== 'GET' &&
        !request.path.includes('/oauth2/') &&
        !(request.method === 'POST' && request.path.endsWith('/$batch')) &&
        !isLeaseRequest(request),
    );
}

/** The writes of the active-installation lease: its renewals (PATCH of DirSync's application) and its registration. */
export function leaseWrites(standIn: EntraStandIn): LoggedRequest[] {
  return standIn.control.requests().filter((request) => request.method !== 'GET' && isLeaseRequest(request));
}
