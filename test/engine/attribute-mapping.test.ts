// The effective attribute mapping: the default one in the same form as custom ones, a custom mapping over it, every
// problem of a mapping with its target and position, and what a mapped object becomes.
import assert from 'node:assert/strict';
import { evaluateTargets, managedProperties, trackedProperties, mapToCloud, sourceAttributes, type TenantContext } from '../../src/engine/mapping.ts';
import {
  DEFAULT_ATTRIBUTE_MAPPING,
  directoryExtensions,
  effectiveMapping,
  describeProblem,
  MappingInvalidError,
  type WrittenMapping,
  type MappingProblem,
} from '../../src/engine/mapping/attribute-mapping.ts';
import { DEFAULT_MAPPING } from '../../src/engine/mapping/default-mapping.ts';
import { EXCLUDED_TARGETS, TARGETS, targetValue } from '../../src/engine/mapping/targets.ts';
import type { SourceObject } from '../../src/engine/model.ts';
import { userSchema, groupSchema } from '../entra-standin/schema.ts';

const tenant: TenantContext = {
  initialDomain: 'contoso.onmicrosoft.com',
  verifiedDomains: new Set(['contoso.onmicrosoft.com', 'corp.example.test']),
  sourceAnchorProperty: 'extension_abc_dirSyncSourceAnchor',
  extensionProperties: new Map([['costcentre', 'extension_abc_costCentre']]),
};

function user(attributes: Record<string, string[]>): SourceObject {
  return {
    anchor: 'q1Yf2uDbQ0u3mJ3hB3x+9A==',
    kind: 'user',
    dn: 'CN=x,DC=corp,DC=example,DC=test',
    attributes: { samaccountname: ['zoe'], userprincipalname: ['zoe@corp.example.test'], ...attributes },
    references: {},
  };
}

function problems(custom: WrittenMapping): MappingProblem[] {
  try {
    effectiveMapping(custom);
  } catch (error) {
    if (error instanceof MappingInvalidError) return [...error.problems];
    throw error;
  }
  assert.fail('the mapping was accepted');
}

describe('the attribute mapping', () => {
  it('is the default mapping, every target managed always, when nothing is customised', () => {
    assert.equal(DEFAULT_ATTRIBUTE_MAPPING.fingerprint, null);
    assert.deepEqual(
      DEFAULT_ATTRIBUTE_MAPPING.user.map((entry) => [entry.target, entry.expression.text, entry.apply, entry.origin]),
      DEFAULT_MAPPING.user.map(([target, expression]) => [target, expression, 'always', 'default']),
    );
    assert.equal(DEFAULT_ATTRIBUTE_MAPPING.group.length, 3);
  });

  it('takes a custom target as an expression or an object, drops a null one, and keeps the other defaults', () => {
    const mapping = effectiveMapping({
      user: {
        userPrincipalName: '[mail]',
        usageLocation: { expression: 'IIF(IsPresent([c]), [c], "US")', apply: 'onCreate' },
        faxNumber: null,
        'employeeOrgData.division': '[division]',
      },
    });
    const entry = (target: string) => mapping.user.find((candidate) => candidate.target === target);
    assert.deepEqual([entry('userPrincipalName')?.expression.text, entry('userPrincipalName')?.origin], ['[mail]', 'custom']);
    assert.equal(entry('usageLocation')?.apply, 'onCreate');
    assert.equal(entry('faxNumber'), undefined);
    assert.equal(entry('employeeOrgData.division')?.origin, 'custom');
    assert.equal(entry('displayName')?.origin, 'default');
    assert.match(mapping.fingerprint ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(
      effectiveMapping({ user: { userPrincipalName: '[mail]' } }).fingerprint,
      effectiveMapping({ user: { userPrincipalName: { expression: '[mail]' } } }).fingerprint,
    );
  });

  it('reports every problem with its target, its position and a Mapping.* code', () => {
    const found = problems({
      user: {
        department: 'Append([sn], Joinn(",", [a]))',
        jobTitle: 'Left([title])',
        title: '[title]',
        onPremisesImmutableId: '[objectGUID]',
        proxyAddresses: '[proxyAddresses]',
        displayName: null,
        userPrincipalName: { expression: '[mail]', apply: 'onCreate' },
        mail: { expression: '[mail]', dataType: 'String' },
        'extension:costCentre': { expression: '[extensionAttribute3]', dataType: 'Integer' },
      },
      group: { 'extension:costCentre': '[extensionAttribute3]', 'extension:dirSyncSourceAnchor': '[cn]', membershipRule: '"x"' },
    });
    const described = found.map((problem) => [
      problem.code,
      `${problem.objectType}.${problem.target}: ${problem.column === undefined ? '' : `col ${problem.column}: `}${problem.message}`,
    ]);
    assert.deepEqual(described, [
      [
        'Mapping.read-only-target',
        'user.userPrincipalName: userPrincipalName is applied always (DirSync moves users off placeholder UPNs by it), never only on create',
      ],
      ['Mapping.unknown-target', 'user.mail: dataType is for extension:<name> targets only (Graph properties have their own type)'],
      ['Mapping.wrong-argument-count', 'user.jobTitle: col 1: Left takes 2 argument(s) (String, NumChars), not 1'],
      ['Mapping.unknown-function', "user.department: col 14: unknown function 'Joinn'"],
      [
        'Mapping.unknown-target',
        "user.title: unknown target 'title' (a user property DirSync may set, onPremisesExtensionAttributes.extensionAttributeN, employeeOrgData.division/costCenter, or extension:<name>)",
      ],
      [
        'Mapping.read-only-target',
        "user.onPremisesImmutableId: onPremisesImmutableId cannot be mapped: DirSync's anchor (the Base64 objectGUID), never mapped",
      ],
      ['Mapping.read-only-target', 'user.proxyAddresses: proxyAddresses cannot be mapped: read-only for applications: Exchange derives it from mail'],
      ['Mapping.read-only-target', 'user.displayName: Graph needs displayName to create a user: it cannot be left unmanaged (null)'],
      [
        'Mapping.read-only-target',
        "group.extension:dirSyncSourceAnchor: extension:dirSyncSourceAnchor cannot be mapped: DirSync's group anchor (the Base64 objectGUID), never mapped",
      ],
      [
        'Mapping.read-only-target',
        'group.membershipRule: membershipRule cannot be mapped: a dynamic membership would replace the members DirSync synchronises from AD',
      ],
      ['Mapping.read-only-target', 'group.extension:costCentre: the same extension property is Integer for users: one property has one data type'],
    ]);
    assert.match(new MappingInvalidError(found).message, /^user\.userPrincipalName: .*; user\.mail: /);
  });

  it('lists for each excluded property why, and offers only targets the stand-in (like Graph) lets an application write', () => {
    for (const [objectType, excluded] of Object.entries(EXCLUDED_TARGETS)) {
      for (const [target, reason] of Object.entries(excluded)) assert.ok(reason.length > 10, `${objectType}.${target}`);
    }
    for (const [objectType, schema] of [
      ['user', userSchema],
      ['group', groupSchema],
    ] as const) {
      for (const target of Object.keys(TARGETS[objectType]))
        assert.ok(schema.writable.includes(target.split('.')[0]!), `${objectType}.${target} is writable`);
    }
  });

  it('maps a user with a custom mapping: UPN from mail, a defaulted usageLocation, a Join, employeeOrgData, an extension, onCreate apart', () => {
    const mapping = effectiveMapping({
      user: {
        userPrincipalName: '[mail]',
        usageLocation: 'IIF(IsPresent([c]), [c], "US")',
        department: 'Join(" / ", [company], [department])',
        'employeeOrgData.costCenter': '[extensionAttribute3]',
        'extension:costCentre': '[extensionAttribute3]',
        jobTitle: { expression: 'Append([title], " (initial)")', apply: 'onCreate' },
        'onPremisesExtensionAttributes.extensionAttribute1': null,
      },
    });
    const result = mapToCloud(
      user({ mail: ['Zoe.A@corp.example.test'], company: ['Example'], department: ['Sales'], extensionattribute3: ['CC-7'], title: ['Rep'] }),
      tenant,
      mapping,
    );
    assert.ok(result.exportable);
    assert.equal(result.attributes.userPrincipalName, 'Zoe.A@corp.example.test');
    assert.equal(result.attributes.usageLocation, 'US');
    assert.equal(result.attributes.department, 'Example / Sales');
    assert.deepEqual(result.attributes.employeeOrgData, { costCenter: 'CC-7' });
    assert.equal(result.attributes.extension_abc_costCentre, 'CC-7');
    assert.equal(result.attributes.jobTitle, undefined);
    assert.deepEqual(result.createOnly, { jobTitle: 'Rep (initial)' });
    const extensionAttributes = result.attributes.onPremisesExtensionAttributes as Record<string, unknown>;
    assert.equal('extensionAttribute1' in extensionAttributes, false, "a target set to null is no longer DirSync's");
    assert.equal(extensionAttributes.extensionAttribute3, 'CC-7');
    assert.deepEqual(directoryExtensions(mapping), [{ name: 'costCentre', dataType: 'String' }]);
    // Drift compares what DirSync keeps in step: not the onCreate jobTitle, not the unmanaged extensionAttribute1, not
    // the extension property (Graph's delta does not document tracking it).
    const managed = managedProperties(mapping, 'user');
    assert.ok(managed.includes('onPremisesImmutableId') && managed.includes('employeeOrgData.costCenter'));
    assert.ok(managed.includes('onPremisesExtensionAttributes.extensionAttribute3'));
    for (const notCompared of ['jobTitle', 'onPremisesExtensionAttributes.extensionAttribute1', 'extension:costCentre'])
      assert.ok(!managed.includes(notCompared), notCompared);
    assert.deepEqual(managedProperties(mapping, 'group'), ['mailEnabled', 'securityEnabled', 'displayName', 'description', 'mailNickname']);
    const tracked = trackedProperties(mapping).user;
    assert.ok(tracked.includes('employeeOrgData') && tracked.includes('onPremisesExtensionAttributes') && !tracked.includes('jobTitle'));
  });

  it('converts values to what each target takes: collections from Split, truth values from True/False, empty text to null', () => {
    const mapping = effectiveMapping({ user: { otherMails: 'Split([otherMailbox], ";")', accountEnabled: '"False"', jobTitle: 'Left([title], 0)' } });
    const result = mapToCloud(user({ othermailbox: ['a@x.example;b@x.example'], title: ['Rep'] }), tenant, mapping);
    assert.ok(result.exportable);
    assert.deepEqual(result.attributes.otherMails, ['a@x.example', 'b@x.example']);
    assert.equal(result.attributes.accountEnabled, false);
    assert.equal(result.attributes.jobTitle, null);
    // A DateTime extension reads the date functions' texts in UTC, whatever the server's time zone.
    assert.equal(targetValue('3/16/2020 7:00:00 AM', 'DateTime'), '2020-03-16T07:00:00Z');
    assert.equal(targetValue('20150123105347.0Z', 'DateTime'), '2015-01-23T10:53:47Z');
    assert.equal(targetValue('2012-03-16-07:00', 'DateTime'), '2012-03-16T07:00:00Z');
    assert.throws(() => targetValue('next Tuesday', 'DateTime'), /is not a date and time/);
  });

  it('shows, target by target, the value or why the object fails (mapping test)', () => {
    const mapping = effectiveMapping({ user: { department: 'Error("no department")', jobTitle: '[title]' } });
    const outcomes = evaluateTargets(user({ title: ['Rep'] }), tenant, mapping);
    const department = outcomes.find((outcome) => outcome.target === 'department')!;
    assert.equal(department.failure?.code, 'Mapping.expression-failed');
    assert.equal(department.failure?.message, 'user.department: no department');
    assert.equal(outcomes.find((outcome) => outcome.target === 'jobTitle')?.value, 'Rep');
    assert.throws(() => mapToCloud(user({}), tenant, mapping), /user\.department: no department/);
  });

  it('takes Now, Guid and RandomString only in targets applied onCreate: elsewhere the cloud value would change every cycle', () => {
    const found = problems({
      user: {
        employeeId: 'Join("-", [sn], Guid())',
        'extension:hired': 'DateDiff("d", Now(), [whenCreated])',
        'onPremisesExtensionAttributes.extensionAttribute9': { expression: 'RandomString(8, 1, 1, 1, 1)', apply: 'always' },
      },
    });
    assert.deepEqual(
      found.map((problem) => [problem.code, describeProblem(problem)]),
      [
        [
          'Mapping.nondeterministic-always',
          'user.employeeId: col 17: Guid() gives a new value every time: only a target applied onCreate may use it ({"expression": …, "apply": "onCreate"})',
        ],
        [
          'Mapping.nondeterministic-always',
          'user.onPremisesExtensionAttributes.extensionAttribute9: col 1: RandomString() gives a new value every time: only a target applied onCreate may use it ({"expression": …, "apply": "onCreate"})',
        ],
        [
          'Mapping.nondeterministic-always',
          'user.extension:hired: col 15: Now() gives a new value every time: only a target applied onCreate may use it ({"expression": …, "apply": "onCreate"})',
        ],
      ],
    );
    const mapping = effectiveMapping({ user: { employeeId: { expression: 'Join("-", [sn], Guid())', apply: 'onCreate' } } });
    const result = mapToCloud(user({ sn: ['Doe'] }), tenant, mapping);
    assert.ok(result.exportable);
    assert.match(String(result.createOnly.employeeId), /^Doe-[0-9a-f-]{36}$/);
    assert.equal(result.attributes.employeeId, undefined);
  });

  it('leaves a target out of what is sent when IgnoreFlowIfNullOrEmpty finds nothing, and sends it when there is a value', () => {
    const mapping = effectiveMapping({ user: { department: 'IgnoreFlowIfNullOrEmpty([department])', jobTitle: '[title]' } });
    const without = mapToCloud(user({}), tenant, mapping);
    assert.ok(without.exportable);
    assert.equal(Object.hasOwn(without.attributes, 'department'), false, 'not written at all: neither set nor cleared');
    assert.equal(Object.hasOwn(without.attributes, 'jobTitle'), true, 'a target without it is cleared (null) as before');
    assert.equal(without.attributes.jobTitle, null);
    const empty = mapToCloud(user({ department: [''] }), tenant, mapping);
    assert.ok(empty.exportable);
    assert.equal(Object.hasOwn(empty.attributes, 'department'), false);
    const withValue = mapToCloud(user({ department: ['Sales'] }), tenant, mapping);
    assert.ok(withValue.exportable);
    assert.equal(withValue.attributes.department, 'Sales');
    const outcome = evaluateTargets(user({}), tenant, mapping).find((entry) => entry.target === 'department')!;
    assert.equal(outcome.notWritten, true);
    assert.equal(Object.hasOwn(outcome, 'value'), false);
    assert.deepEqual(
      problems({ user: { 'onPremisesExtensionAttributes.extensionAttribute3': 'IgnoreFlowIfNullOrEmpty([department])' } }).map(describeProblem),
      [
        'user.onPremisesExtensionAttributes.extensionAttribute3: col 1: IgnoreFlowIfNullOrEmpty is for properties of their own: onPremisesExtensionAttributes.extensionAttribute3 is sent inside onPremisesExtensionAttributes with the others',
      ],
    );
  });

  it('refuses a regular expression JavaScript cannot compile as Mapping.invalid-regex, at its column', () => {
    const found = problems({ user: { mobilePhone: 'Replace([mobile], , "\\\\A\\\\d+", , "", , )' } });
    assert.deepEqual(
      found.map((problem) => [problem.code, problem.column]),
      [['Mapping.invalid-regex', 21]],
    );
  });

  it("reads from AD what the expressions read and what DirSync's own rules need, nothing else", () => {
    const mapping = effectiveMapping({
      user: Object.fromEntries(
        DEFAULT_MAPPING.user
          .filter(([target]) => !['accountEnabled', 'displayName', 'userPrincipalName', 'mailNickname'].includes(target))
          .map(([target]) => [target, null]),
      ),
    });
    assert.deepEqual(sourceAttributes(mapping).sort(), [
      'cn',
      'description',
      'displayname',
      'grouptype',
      'mail',
      'mailnickname',
      'name',
      'proxyaddresses',
      'samaccountname',
      'useraccountcontrol',
      'userprincipalname',
    ]);
  });
});
