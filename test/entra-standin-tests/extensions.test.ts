import assert from 'node:assert/strict';
import { call, newUser, useStandIn } from './support.ts';

describe('entra stand-in: directory extension properties', () => {
  const standIn = useStandIn();
  const anchorName = () => `extension_${standIn().clientId.replaceAll('-', '')}_dirSyncSourceAnchor`;
  let applicationId = '';

  it('finds its own application by appId and registers an extension property once', async () => {
    const found = await call(
      standIn(),
      'GET',
      `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${standIn().clientId}'`)}&$select=id,appId`,
    );
    assert.equal(found.body.value.length, 1);
    applicationId = found.body.value[0].id;
    const definition = { name: 'dirSyncSourceAnchor', dataType: 'String', targetObjects: ['User', 'Group'] };
    const created = await call(standIn(), 'POST', `/v1.0/applications/${applicationId}/extensionProperties`, { body: definition });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, anchorName());
    const again = await call(standIn(), 'POST', `/v1.0/applications/${applicationId}/extensionProperties`, { body: definition });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'Request_BadRequest');
    const listed = await call(standIn(), 'GET', `/v1.0/applications/${applicationId}/extensionProperties`);
    assert.deepEqual(
      listed.body.value.map((extension: { name: string }) => extension.name),
      [anchorName()],
    );
  });

  it('only shows an app holding just Application.ReadWrite.OwnedBy the applications it owns', async () => {
    const other = standIn().control.createApplication({ roles: [] });
    const token = await standIn().control.issueAccessToken({ roles: ['Application.ReadWrite.OwnedBy'] });
    const listed = await call(standIn(), 'GET', '/v1.0/applications', { token });
    assert.deepEqual(
      listed.body.value.map((app: { appId: string }) => app.appId),
      [standIn().clientId],
    );
    assert.equal((await call(standIn(), 'GET', `/v1.0/applications/${other.objectId}`, { token })).status, 403);
    const write = await call(standIn(), 'POST', `/v1.0/applications/${other.objectId}/extensionProperties`, {
      token,
      body: { name: 'x', dataType: 'String', targetObjects: ['User'] },
    });
    assert.equal(write.status, 403);
  });

  it('sets the extension on user create and group update, returns it with $select and filters on it', async () => {
    const user = (await call(standIn(), 'POST', '/v1.0/users', { body: newUser({ [anchorName()]: 'user+anchor==' }) })).body;
    assert.equal(anchorName() in user, false);
    const group = (
      await call(standIn(), 'POST', '/v1.0/groups', {
        body: { displayName: 'Anchored', mailEnabled: false, mailNickname: 'anchored', securityEnabled: true },
      })
    ).body;
    assert.equal((await call(standIn(), 'PATCH', `/v1.0/groups/${group.id}`, { body: { [anchorName()]: 'group-anchor' } })).status, 204);
    const selected = await call(standIn(), 'GET', `/v1.0/users/${user.id}?$select=id,${anchorName()}`);
    assert.equal(selected.body[anchorName()], 'user+anchor==');
    const filtered = await call(standIn(), 'GET', `/v1.0/groups?$filter=${encodeURIComponent(`${anchorName()} eq 'group-anchor'`)}&$select=id`);
    assert.deepEqual(
      filtered.body.value.map((found: { id: string }) => found.id),
      [group.id],
    );
  });

  it('rejects an unregistered extension name with the real 400', async () => {
    const name = `extension_${standIn().clientId.replaceAll('-', '')}_notRegistered`;
    const response = await call(standIn(), 'POST', '/v1.0/users', { body: newUser({ [name]: 'x' }) });
    assert.deepEqual(
      [response.status, response.body.error.message],
      [400, `Property '${name}' does not exist as a declared property or extension property.`],
    );
  });

  it('keeps a directory extension on the application itself: PATCH sets it (204), $select returns it, null removes it', async () => {
    const leaseName = `extension_${standIn().clientId.replaceAll('-', '')}_dirSyncActiveInstallation`;
    const definition = { name: 'dirSyncActiveInstallation', dataType: 'String', targetObjects: ['Application'] };
    assert.equal((await call(standIn(), 'POST', `/v1.0/applications/${applicationId}/extensionProperties`, { body: definition })).status, 201);
    const patched = await call(standIn(), 'PATCH', `/v1.0/applications/${applicationId}`, { body: { [leaseName]: 'held by A' } });
    assert.deepEqual([patched.status, patched.body], [204, undefined]);
    const plain = await call(standIn(), 'GET', `/v1.0/applications/${applicationId}`);
    assert.equal(leaseName in plain.body, false, 'a directory extension comes back only when $select names it (v1.0)');
    const selected = await call(
      standIn(),
      'GET',
      `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${standIn().clientId}'`)}&$select=id,${leaseName}`,
    );
    assert.equal(selected.body.value[0][leaseName], 'held by A');
    assert.equal((await call(standIn(), 'PATCH', `/v1.0/applications/${applicationId}`, { body: { [leaseName]: null } })).status, 204);
    assert.equal((await call(standIn(), 'GET', `/v1.0/applications/${applicationId}?$select=id,${leaseName}`)).body[leaseName] ?? null, null);
  });

  it('checks an application PATCH as Graph does: the 256-character String limit, extensions of other targets, read-only and unknown properties', async () => {
    const leaseName = `extension_${standIn().clientId.replaceAll('-', '')}_dirSyncActiveInstallation`;
    const patch = (body: Record<string, unknown>) => call(standIn(), 'PATCH', `/v1.0/applications/${applicationId}`, { body });
    assert.equal((await patch({ [leaseName]: 'x'.repeat(256) })).status, 204);
    const tooLong = await patch({ [leaseName]: 'x'.repeat(257) });
    assert.equal(tooLong.status, 400);
    // dirSyncSourceAnchor targets users and groups only.
    const otherTarget = await patch({ [anchorName()]: 'x' });
    assert.deepEqual(
      [otherTarget.status, otherTarget.body.error.message],
      [400, `Property '${anchorName()}' does not exist as a declared property or extension property.`],
    );
    assert.equal((await patch({ appId: '00000000-0000-0000-0000-000000000000' })).status, 400);
    assert.equal((await patch({ noSuchProperty: 1 })).status, 400);
    assert.equal((await patch({ notes: 'owned by the identity team', tags: ['dirsync'] })).status, 204);
    const read = await call(standIn(), 'GET', `/v1.0/applications/${applicationId}?$select=notes,tags`);
    assert.deepEqual([read.body.notes, read.body.tags], ['owned by the identity team', ['dirsync']]);
  });

  it('lets an app holding just Application.ReadWrite.OwnedBy update only the applications it owns; reset() forgets the values', async () => {
    const leaseName = `extension_${standIn().clientId.replaceAll('-', '')}_dirSyncActiveInstallation`;
    const other = standIn().control.createApplication({ roles: [] });
    const token = await standIn().control.issueAccessToken({ roles: ['Application.ReadWrite.OwnedBy'] });
    assert.equal((await call(standIn(), 'PATCH', `/v1.0/applications/${other.objectId}`, { token, body: { notes: 'x' } })).status, 403);
    assert.equal((await call(standIn(), 'PATCH', `/v1.0/applications/${applicationId}`, { token, body: { [leaseName]: 'mine' } })).status, 204);
    const readOnly = await standIn().control.issueAccessToken({ roles: ['Application.Read.All'] });
    assert.equal(
      (await call(standIn(), 'PATCH', `/v1.0/applications/${applicationId}`, { token: readOnly, body: { [leaseName]: 'x' } })).status,
      403,
    );
    standIn().control.reset();
    assert.equal((await call(standIn(), 'GET', `/v1.0/applications/${applicationId}?$select=id,${leaseName}`)).body[leaseName] ?? null, null);
  });
});
