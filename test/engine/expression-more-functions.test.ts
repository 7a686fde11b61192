// The functions added to the expression language after the first set: PCase, InStr, the conversions, Replace's
// regular-expression forms, the date functions, the generated values and IgnoreFlowIfNullOrEmpty. The examples are
// Microsoft's ("Reference for writing expressions for attribute mappings") where it gives one, with its outputs.
import assert from 'node:assert/strict';
import { compileExpression, type ExpressionSyntaxError, flows, type Value } from '../../src/engine/mapping/expression.ts';
import { evaluateOn, evaluationError, syntaxError } from './expression-support.ts';

const user: Record<string, string[]> = {
  firstname: ['PABLO GONSALVES (SECOND)'],
  lastname: ["PINTO-DE'SILVA"],
  telephonenumber: ['+91 9998887777'],
  mobile: ['+91 8887779999'],
  fax: ['+1 (999) 888-7777'],
  addresslinedata: ['545 Tremont Street'],
  userprincipalname: ['jsmith@contoso.com'],
  mailnickname: ['john_doe72'],
  extensionattribute1: ['20150123105347.1Z'],
  contractenddate: ['2020-12-31-08:00'],
  accountexpires: ['129699324000000000'],
  whencreated: ['20240229081500.0Z'],
  empty: [''],
  proxyaddresses: ['SMTP:a@contoso.com', 'smtp:b@contoso.com'],
};

const evaluate = (text: string, attributes: Record<string, string[]> = user): Value => evaluateOn(attributes, text);
const failure = (text: string) => evaluationError(user, text);

describe('attribute mapping expressions: the functions beyond the first set', () => {
  const examples: [string, Value][] = [
    // PCase: Microsoft's three examples, then null and the ß that must not become SS.
    ['PCase([firstName])', 'Pablo Gonsalves (Second)'],
    ['PCase([lastName], " \'-")', "Pinto-De'Silva"],
    ['PCase(Join(" ", "GREGORY", "JAMES"))', 'Gregory James'],
    ['PCase("jean-luc o\'neil", " ")', "Jean-luc O'neil"],
    ['PCase([department])', null],
    ['PCase("ßTRASSE")', 'ßtrasse'],
    // InStr: Microsoft's two examples, the text comparison, VBA's edge cases.
    ['InStr("The quick brown fox", "quick")', 5],
    ['InStr("repEated", "e", 3, vbBinaryCompare)', 7],
    ['InStr("repEated", "e", 3, vbTextCompare)', 4],
    ['InStr("repEated", "E", , "vbTextCompare")', 2],
    ['InStr("abc", "x")', 0],
    ['InStr("abc", "")', 1],
    ['InStr("abc", "c", 9)', 0],
    ['InStr([department], "x")', null],
    ['ConvertToBase64("Hello world!")', 'SABlAGwAbABvACAAdwBvAHIAbABkACEA'],
    ['ConvertToBase64([department])', null],
    ['ConvertToUTF8Hex("Hello world!")', '48656C6C6F20776F726C6421'],
    ['ConvertToUTF8Hex("é")', 'C3A9'],
    // Replace's regular-expression forms: Microsoft's examples 3 to 6.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${phoneNumber} is .NET's substitution, as Microsoft writes it
    ['Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )', '9998887777'],
    // Microsoft prints 19998887777, but its pattern has no + in it: .NET keeps the +, as JavaScript does.
    ['Replace([fax], , "[()\\\\s-]+", , "", , )', '+19998887777'],
    ['Replace([AddressLineData], , "(?<streetNumber>^\\\\d*)", "streetNumber", "888", , )', '888 Tremont Street'],
    ['Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )', 'jsmith'],
    ['Replace([empty], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", "phoneNumber", , [mobile], )', '8887779999'],
    ['Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", "phoneNumber", , [mobile], )', '+91 9998887777'],
    ['Replace([mailNickname], , "[a-zA-Z_]*", , "", , )', '72'],
    // .NET's substitutions: numbered groups, $$, $&, and a group the pattern lacks left as written.
    ['Replace("John Doe", , "(\\\\w+) (\\\\w+)", , "$2, $1 ($$) [$&] $9", , )', 'Doe, John ($) [John Doe] $9'],
    ['Replace([department], , "x", , "y", , )', null],
    ['Replace("🙂a🙂", , "", , "-", , )', '-🙂-a-🙂-'],
    // Dates: Microsoft's CDate, DateAdd and DateDiff examples, with their outputs.
    ['CDate("2020-03-16-07:00")', '3/16/2020 7:00:00 AM'],
    ['CDate("2021-06-30+08:00")', '6/29/2021 4:00:00 PM'],
    ['CDate("2009-06-15T01:45:30-07:00")', '6/15/2009 8:45:30 AM'],
    ['CDate([whenCreated])', '2/29/2024 8:15:00 AM'],
    ['CDate([department])', null],
    ['DateAdd("d", 7, CDate("2012-03-16-07:00"))', '3/23/2012 7:00:00 AM'],
    ['DateAdd("d", -10, CDate("2012-03-16-07:00"))', '3/6/2012 7:00:00 AM'],
    ['DateAdd("ww", 2, CDate("2012-03-16-07:00"))', '3/30/2012 7:00:00 AM'],
    ['DateAdd("m", 10, CDate("2012-03-16-07:00"))', '1/16/2013 7:00:00 AM'],
    ['DateAdd("yyyy", 2, CDate("2012-03-16-07:00"))', '3/16/2014 7:00:00 AM'],
    ['DateAdd("m", 1, "2021-01-31")', '2/28/2021 12:00:00 AM'],
    ['DateAdd("yyyy", 1, [whenCreated])', '2/28/2025 8:15:00 AM'],
    ['DateAdd("h", 1, [department])', null],
    ['DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00"))', 13],
    ['DateDiff("d", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', -3449],
    ['DateDiff("ww", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', -493],
    ['DateDiff("m", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', -113],
    ['DateDiff("yyyy", "8/25/2021 5:41:18 PM", CDate("2012-03-16-07:00"))', -9],
    ['DateDiff("d", CDate("2021-08-31+08:00"), CDate("2021-08-31+08:00"))', 0],
    ['DateDiff("h", "2021-08-24", "2021-08-25")', 24],
    ['DateDiff("n", "2021-08-24", "2021-08-25")', 1440],
    ['DateDiff("s", "2021-08-24", "2021-08-25")', 86400],
    ['DateDiff("d", [department], "2021-08-25")', null],
    // FormatDateTime: Microsoft's example (AD's generalized time), its Workday example inside NumFromDate, FILETIME through DateFromNum.
    ['FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")', '2015-01-23'],
    ['NumFromDate(Join("", FormatDateTime([ContractEndDate], , "yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00"))', '132539615990000000'],
    ['FormatDateTime(DateFromNum([accountExpires]), , "yyyy-MM-ddTHH:mm:ssK", "dddd d MMMM yyyy, h:mm tt")', 'Sunday 1 January 2012, 11:00 PM'],
    ['FormatDateTime([whenCreated], "AssumeUniversal, AdjustToUniversal", "yyyyMMddHHmmss.f\'Z\'", "o")', '2024-02-29T08:15:00.0000000Z'],
    ['FormatDateTime("3/7/2024 1:05:09 PM", , "M/d/yyyy h:mm:ss tt", "yy-MM-dd HH:mm:ss.FFF")', '24-03-07 13:05:09'],
    ['FormatDateTime([department], , "yyyy", "yyyy")', null],
    ['NumFromDate("2012-01-01T23:00:00Z")', '129699324000000000'],
    ['DateFromNum(NumFromDate("2012-01-01T23:00:00Z"))', '2012-01-01T23:00:00Z'],
    ['NumFromDate([department])', null],
    ['IgnoreFlowIfNullOrEmpty([department])', null],
    ['IgnoreFlowIfNullOrEmpty(Switch([department], "", "3443", "Dr."))', ''],
  ];
  for (const [text, expected] of examples) {
    it(`${text} → ${JSON.stringify(expected)}`, () => assert.deepEqual(evaluate(text), expected));
  }

  it('gives a new value each time from Now, Guid and RandomString, in the forms Microsoft documents', () => {
    const now = evaluate('Now()') as string;
    assert.match(now, /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/);
    assert.ok(Math.abs(Date.parse(`${now} UTC`) - Date.now()) < 5000, `${now} is now, in UTC`);
    const guids = new Set(Array.from({ length: 5 }, () => evaluate('Guid()')));
    assert.equal(guids.size, 5);
    for (const guid of guids) assert.match(guid as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let round = 0; round < 50; round++) {
      const text = evaluate('RandomString(10, 2, 2, 2, 1, "?,")') as string;
      assert.equal(text.length, 10);
      assert.ok((text.match(/[0-9]/g) ?? []).length >= 2, text);
      assert.ok((text.match(/[A-Z]/g) ?? []).length >= 2, text);
      assert.ok((text.match(/[a-z]/g) ?? []).length >= 1, text);
      assert.ok((text.match(/[^A-Za-z0-9]/g) ?? []).length >= 2, text);
      assert.doesNotMatch(text, /[?,]/);
    }
    assert.match(evaluate('RandomString(6, 3, 0, 0, 3)') as string, /^[\x21-\x7e]{6}$/);
  });

  it('says when a target does not flow: IgnoreFlowIfNullOrEmpty as the whole expression, on null or empty only', () => {
    const ignoring = compileExpression('IgnoreFlowIfNullOrEmpty([department])');
    assert.equal(ignoring.ignoresEmptyFlow, true);
    assert.equal(flows(ignoring, null), false);
    assert.equal(flows(ignoring, ''), false);
    assert.equal(flows(ignoring, []), false);
    assert.equal(flows(ignoring, 'Sales'), true);
    assert.equal(flows(ignoring, 0), true);
    const plain = compileExpression('[department]');
    assert.equal(plain.ignoresEmptyFlow, false);
    assert.equal(flows(plain, null), true, 'without it, null flows: the target is cleared');
  });

  it('marks the expressions that use a function giving a new value every time, at its column', () => {
    assert.deepEqual(compileExpression('Join("-", [sn], Guid())').nondeterministic, { name: 'Guid', column: 17 });
    assert.deepEqual(compileExpression('DateDiff("d", Now(), [whenCreated])').nondeterministic, { name: 'Now', column: 15 });
    assert.equal(compileExpression('DateDiff("d", [whenCreated], "2024-01-01")').nondeterministic, undefined);
  });

  it('refuses, when the mapping is set, what cannot work, at its column', () => {
    const cases: [string, number, RegExp, ExpressionSyntaxError['kind']][] = [
      ['PCase()', 1, /PCase takes 1 to 2 argument/, 'argument-count'],
      ['InStr("a")', 1, /InStr takes 2 to 4 argument/, 'argument-count'],
      ['ConvertToBase64("a", "b")', 1, /takes 1 argument/, 'argument-count'],
      ['Guid(1)', 1, /Guid takes 0 argument/, 'argument-count'],
      ['Now("x")', 1, /Now takes 0 argument/, 'argument-count'],
      ['RandomString(6, 3, 0, 0)', 1, /RandomString takes 5 to 6/, 'argument-count'],
      ['RandomString(300, 0, 0, 0, 0)', 1, /Length is 1 to 256/, 'argument-count'],
      ['RandomString(3, 2, 2, 0, 0)', 1, /add up to 4, more than Length \(3\)/, 'argument-count'],
      ['RandomString(3, 3, 0, 0, 0, "0123456789")', 1, /leaves nothing for MinimumNumbers/, 'argument-count'],
      ['DateAdd("q", 1, "2020-01-01")', 9, /interval is one of yyyy, m, d, ww, h, n, s, not "q"/, 'argument-count'],
      ['DateDiff("d", "2020-01-01")', 1, /DateDiff takes 3 argument/, 'argument-count'],
      ['FormatDateTime([a], , "yyyy")', 1, /FormatDateTime takes 4 argument/, 'argument-count'],
      ['FormatDateTime([a], , , "yyyy")', 1, /inputFormat and outputFormat must be given/, 'argument-count'],
      ['FormatDateTime([a], , "ffffffff", "yyyy")', 23, /inputFormat: ffffffff: at most 7 f/, 'argument-count'],
      ['FormatDateTime([a], , "yyyy", "\'open")', 31, /outputFormat: the quoted text at character 1 is not closed/, 'argument-count'],
      ['FormatDateTime([a], "Roundtrip", "yyyy", "yyyy")', 21, /unknown Roundtrip/, 'argument-count'],
      ['Append(IgnoreFlowIfNullOrEmpty([a]), "x")', 8, /must be the whole expression/, 'syntax'],
      ['Replace([a], , [b], , "", , )', 16, /regexPattern must be a string constant/, 'argument-count'],
      ['Replace([a], , "(a+)+$", , "", , )', 16, /\(a\+\)\+ repeats a repetition \(a\+\).*at character 1/, 'pattern'],
      ['Replace([a], , "x(\\\\d{2,})*", , "", , )', 16, /repeats a repetition/, 'pattern'],
      ['Replace([a], , "\\\\A@", , "", , )', 16, /Invalid escape \(at character 2/, 'pattern'],
      ['Replace([a], , "(?\'n\'a)", , "", , )', 16, /Invalid group/, 'pattern'],
      ['Replace([a], , "(?>a)", , "", , )', 16, /Invalid group/, 'pattern'],
      ['Replace([a], , "[a-z-[aeiou]]", , "", , )', 16, /pattern/, 'pattern'],
      ['Replace([a], , "(a", , "", , )', 16, /Unterminated group/, 'pattern'],
      ['Replace([a], , "(?<x>a)", "y", "", , )', 27, /has no group named "y"/, 'argument-count'],
      ['Replace([a], , "(?<x>a)", , , [b], )', 1, /Microsoft's forms/, 'argument-count'],
      ['Replace([a], "x", "y", , "", , )', 1, /Microsoft's forms .*, not oldValue, regexPattern, replacementValue/, 'argument-count'],
      ['Replace([a])', 1, /not nothing but source/, 'argument-count'],
      ['InStr("a", "b", 1, vbDatabaseCompare)', 37, /expected \( after the function name vbDatabaseCompare/, 'syntax'],
    ];
    for (const [text, column, message, kind] of cases) {
      const error = syntaxError(text);
      assert.match(error.message, message, text);
      assert.equal(error.column, column, `${text}: ${error.message}`);
      assert.equal(error.kind, kind, text);
    }
  });

  it('fails the object, not the mapping, on a value a function cannot take', () => {
    const cases: [string, RegExp][] = [
      ['CDate("next Tuesday")', /CDate: expression: "next Tuesday" is not a date/],
      ['CDate("2021-02-30")', /is not a date/],
      ['FormatDateTime("2015-01-23", , "yyyyMMddHHmmss.fZ", "yyyy")', /"2015-01-23" is not a date in the inputFormat/],
      ['DateAdd("d", "1.5", "2020-01-01")', /DateAdd: value must be a whole number/],
      ['DateFromNum("soon")', /DateFromNum: value must be a whole number/],
      ['InStr("abc", "b", 0)', /InStr: start counts from 1/],
      ['InStr("abc", "b", 1, "vbDatabaseCompare")', /compareType is vbBinaryCompare or vbTextCompare/],
      ['PCase([proxyAddresses])', /PCase: source takes one value, and got 2/],
      ['Replace([proxyAddresses], , "a", , "b", , )', /Replace: source takes one value/],
      ['RandomString(4, 1, 1, 1, 1, [proxyAddresses])', /CharactersToAvoid takes one value/],
    ];
    for (const [text, message] of cases) assert.match(failure(text).message, message, text);
    assert.equal(failure('CDate("next Tuesday")').column, 1);
  });
});
