// /contacts (orgContact): read-only through Graph. No create, update or delete route exists, so
// such requests get Graph's 405 answer.

import { graphErrors } from '../errors.ts';
import type { Directory } from '../directory.ts';
import { orgContactSchema } from '../schema.ts';
import { countCollection, entityResponse, listCollection } from '../odata/query.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import { collectionContext } from './writes.ts';

export function registerContacts(router: Router, directory: Directory): void {
  const context = () => collectionContext(directory, orgContactSchema, 'contacts');
  router.add('GET', '/contacts', permissions.readContacts, (request) => listCollection(request, directory.list('orgContact'), context()));
  router.add('GET', '/contacts/$count', permissions.readContacts, (request) => countCollection(request, directory.list('orgContact'), context()));
  router.add('GET', '/contacts/{id}', permissions.readContacts, (request, { id }) => {
    const contact = directory.getOfType('orgContact', id!);
    if (!contact) throw graphErrors.notFound(id!);
    return entityResponse(request, contact, context());
  });
}
