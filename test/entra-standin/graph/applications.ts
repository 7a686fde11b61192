// /applications and their directory extension properties (extension_<appId>_<name>), which DirSync
// uses to anchor groups and, on its own application, to record the tenant's active installation. An app holding
// only Application.ReadWrite.OwnedBy sees and changes only the applications it owns.

import { randomUUID } from 'node:crypto';
import { graphErrors } from '../errors.ts';
import type { AppRegistration, Directory, DirectoryObject, ExtensionPropertyDefinition } from '../directory.ts';
import { applicationSchema } from '../schema.ts';
import { entityResponse, listCollection } from '../odata/query.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest } from './types.ts';
import { collectionContext, requestBody, writableProperties } from './writes.ts';

const extensionDataTypes = ['Binary', 'Boolean', 'DateTime', 'Integer', 'LargeInteger', 'String'];
const extensionTargets = ['User', 'Group', 'AdministrativeUnit', 'Application', 'Device', 'Organization'];
const maxExtensionNameLength = 120;

function asDirectoryObject(app: AppRegistration): DirectoryObject {
  return {
    type: 'application',
    id: app.objectId,
    members: [],
    props: {
      id: app.objectId,
      appId: app.appId,
      displayName: app.displayName,
      description: null,
      notes: null,
      tags: [],
      createdDateTime: app.createdDateTime,
      deletedDateTime: null,
      signInAudience: 'AzureADMyOrg',
      isFallbackPublicClient: app.allowPublicClient,
      ...app.properties,
    },
  };
}

/** The values of an application PATCH, checked as the application resource types them (tags: strings; notes ≤ 1024). */
function applicationValues(body: Record<string, unknown>, directory: Directory): Record<string, unknown> {
  const { values, annotations } = writableProperties(body, applicationSchema, directory);
  const annotation = Object.keys(annotations)[0];
  if (annotation !== undefined) throw graphErrors.unknownProperty(annotation);
  for (const [name, value] of Object.entries(values)) {
    const valid =
      name === 'displayName'
        ? typeof value === 'string' && value.trim() !== ''
        : name === 'tags'
          ? Array.isArray(value) && value.every((tag) => typeof tag === 'string' && tag.length <= 256)
          : name === 'notes'
            ? value === null || (typeof value === 'string' && value.length <= 1024)
            : true;
    if (!valid) throw graphErrors.invalidValue(name, 'Application');
  }
  return values;
}

/** Whether the caller may see every application, or only those it owns (Application.ReadWrite.OwnedBy). */
function seesAllApplications(request: GraphRequest): boolean {
  return permissions.readApplications.some(
    (permission) => permission !== 'Application.ReadWrite.OwnedBy' && request.caller.permissions.has(permission),
  );
}

function visibleApplications(request: GraphRequest, directory: Directory): AppRegistration[] {
  const all = directory.applications();
  return seesAllApplications(request) ? all : all.filter((app) => app.ownerIds.includes(request.caller.objectId));
}

function findApplication(request: GraphRequest, directory: Directory, id: string): AppRegistration {
  const app = directory.applicationByObjectId(id);
  if (!app) throw graphErrors.notFound(id);
  if (!visibleApplications(request, directory).includes(app)) throw graphErrors.insufficientPrivileges();
  return app;
}

function assertCanWrite(request: GraphRequest, app: AppRegistration): void {
  const owns = app.ownerIds.includes(request.caller.objectId) && request.caller.permissions.has('Application.ReadWrite.OwnedBy');
  if (!owns && !request.caller.permissions.has('Application.ReadWrite.All')) throw graphErrors.insufficientPrivileges();
}

function extensionResource(extension: ExtensionPropertyDefinition): Record<string, unknown> {
  return { deletedDateTime: null, ...extension };
}

function validateExtension(body: Record<string, unknown>): { name: string; dataType: string; targetObjects: string[] } {
  const { name, dataType, targetObjects } = body;
  if (typeof name !== 'string' || name === '') throw graphErrors.requiredProperty('name', 'ExtensionProperty');
  if (name.length > maxExtensionNameLength || !/^[A-Za-z0-9_]+$/.test(name)) throw graphErrors.invalidValue('name', 'ExtensionProperty');
  if (typeof dataType !== 'string' || !extensionDataTypes.includes(dataType)) throw graphErrors.invalidValue('dataType', 'ExtensionProperty');
  if (!Array.isArray(targetObjects) || targetObjects.length === 0 || !targetObjects.every((target) => extensionTargets.includes(String(target)))) {
    throw graphErrors.invalidValue('targetObjects', 'ExtensionProperty');
  }
  return { name, dataType, targetObjects: targetObjects.map(String) };
}

export function registerApplications(router: Router, directory: Directory): void {
  const context = () => collectionContext(directory, applicationSchema, 'applications');

  router.add('GET', '/applications', permissions.readApplications, (request) =>
    listCollection(
      request,
      visibleApplications(request, directory)
        .map(asDirectoryObject)
        .sort((a, b) => a.id.localeCompare(b.id)),
      context(),
    ),
  );

  router.add('GET', '/applications/{id}', permissions.readApplications, (request, { id }) =>
    entityResponse(request, asDirectoryObject(findApplication(request, directory, id!)), context()),
  );

  // Update application: 204; directory extension values set to null are removed (Graph docs: extensibility overview).
  router.add('PATCH', '/applications/{id}', permissions.writeApplications, (request, { id }) => {
    const app = findApplication(request, directory, id!);
    assertCanWrite(request, app);
    const values = applicationValues(requestBody(request), directory);
    const properties = { ...app.properties };
    for (const [name, value] of Object.entries(values)) {
      if (name === 'displayName') app.displayName = value as string;
      else if (value === null && name.startsWith('extension_')) delete properties[name];
      else properties[name] = value;
    }
    app.properties = properties;
    directory.onChange();
    return { status: 204 };
  });

  router.add('GET', '/applications/{id}/extensionProperties', permissions.readApplications, (request, { id }) => {
    const app = findApplication(request, directory, id!);
    return {
      status: 200,
      body: {
        '@odata.context': `${request.serviceRoot}/$metadata#applications('${app.objectId}')/extensionProperties`,
        value: app.extensionProperties.map(extensionResource),
      },
    };
  });

  router.add('POST', '/applications/{id}/extensionProperties', permissions.writeApplications, (request, { id }) => {
    const app = findApplication(request, directory, id!);
    assertCanWrite(request, app);
    const { name, dataType, targetObjects } = validateExtension(requestBody(request));
    const fullName = `extension_${app.appId.replaceAll('-', '')}_${name}`;
    if (app.extensionProperties.some((extension) => extension.name.toLowerCase() === fullName.toLowerCase()))
      throw graphErrors.extensionPropertyExists(fullName);
    const extension: ExtensionPropertyDefinition = {
      id: randomUUID(),
      name: fullName,
      dataType,
      targetObjects,
      isMultiValued: false,
      isSyncedFromOnPremises: false,
      appDisplayName: app.displayName,
    };
    app.extensionProperties.push(extension);
    directory.onChange();
    return {
      status: 201,
      body: {
        '@odata.context': `${request.serviceRoot}/$metadata#applications('${app.objectId}')/extensionProperties/$entity`,
        ...extensionResource(extension),
      },
    };
  });

  router.add('DELETE', '/applications/{id}/extensionProperties/{extensionId}', permissions.writeApplications, (request, { id, extensionId }) => {
    const app = findApplication(request, directory, id!);
    assertCanWrite(request, app);
    const before = app.extensionProperties.length;
    app.extensionProperties = app.extensionProperties.filter((extension) => extension.id !== extensionId!.toLowerCase());
    if (app.extensionProperties.length === before) throw graphErrors.notFound(extensionId!);
    directory.onChange();
    return { status: 204 };
  });
}
