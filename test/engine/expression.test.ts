// The expression language of attribute mappings: Microsoft's syntax read into a tree, each function with Microsoft's
// name and argument order (the examples are those of Microsoft's reference where it gives one), and the mistakes an
// administrator makes, each reported at its column.
import assert from 'node:assert/strict';
import { compileExpression, type ExpressionSyntaxError, type Value } from '../../src/engine/mapping/expression.ts';
import { evaluateOn, evaluationError as evaluationErrorOn, syntaxError } from './expression-support.ts';

const user: Record<string, string[]> = {
  userprincipalname: ['John.Doe@contoso.com'],
  mail: ['john.doe@contoso.com'],
  givenname: ['Zoë'],
  sn: ['Doe'],
  c: ['us'],
  useraccountcontrol: ['514'],
  proxyaddresses: ['SMTP:john.doe@contoso.com', 'smtp:jd@contoso.com', 'smtp:jd@contoso.com'],
  extensionattribute5: ['PermissionSetOne,PermissionSetTwo'],
  telephonenumber: ['+1 (999) 888-7777'],
  accountexpires: ['129699324000000000'],
};

const evaluate = (text: string, attributes: Record<string, string[]> = user): Value => evaluateOn(attributes, text);
const evaluationError = (text: string, attributes: Record<string, string[]> = user) => evaluationErrorOn(attributes, text);

describe('attribute mapping expressions', () => {
  describe('syntax', () => {
    it('reads attributes (case-insensitively), strings with \\" and \\\\ escapes, numbers, &H hex and nested calls', () => {
      assert.equal(evaluate('[MAIL]'), 'john.doe@contoso.com');
      assert.equal(evaluate('"Company name: \\"Contoso\\" \\\\ HQ"'), 'Company name: "Contoso" \\ HQ');
      assert.equal(evaluate('Append(Append([sn], ", "), [givenName])'), 'Doe, Zoë');
      assert.equal(evaluate('BitAnd(&HF, &HF7)'), 7);
      assert.equal(evaluate('Join("", 1000, "x")'), '1000x');
    });

    it('reads an absent attribute as null, one value as text and several as a list', () => {
      assert.equal(evaluate('[department]'), null);
      assert.deepEqual(evaluate('[proxyAddresses]'), user.proxyaddresses);
    });

    it('takes arguments left out between commas, as Microsoft writes Replace and Switch', () => {
      assert.equal(evaluate('Replace([mail], "@contoso.com", , ,"", ,)'), 'john.doe');
      assert.equal(evaluate('Switch([department], , "x", "y")'), null);
    });

    it("compares inside IIF as in Microsoft's examples: =, <>, <, <=, >, >=", () => {
      assert.equal(evaluate('IIF([c]="us", "United States", "elsewhere")'), 'United States');
      assert.equal(evaluate('IIF([c]<>"us", "elsewhere", "home")'), 'home');
      assert.equal(evaluate('IIF(Count([proxyAddresses]) > 2, "many", "few")'), 'many');
      assert.equal(evaluate('IIF("10" < "9", "numbers", "text")'), 'text', 'two numbers written as text still compare as numbers with <');
      assert.equal(evaluate('IIF(Count([proxyAddresses]) >= 3, "y", "n")'), 'y');
      assert.equal(evaluate('IIF(Count([proxyAddresses]) <= 2, "y", "n")'), 'n');
      assert.equal(evaluate('IIF([department]="", "none", [department])'), 'none', 'a missing value compares as ""');
      assert.equal(evaluate('IIF([c]="US", "y", "n")'), 'n', '= is case-sensitive, like Switch');
    });

    it('reports each mistake with its column, in words', () => {
      const cases: [string, number, RegExp, ExpressionSyntaxError['kind']][] = [
        ['Join(", ", Joinn([sn]))', 12, /unknown function 'Joinn'/, 'unknown-function'],
        ['join(",", [sn])', 1, /unknown function 'join' \(names are case-sensitive: Join\)/, 'unknown-function'],
        ['Left("John")', 1, /Left takes 2 argument\(s\) \(String, NumChars\), not 1/, 'argument-count'],
        ['IIF([c]="US", "a")', 1, /IIF takes 3 argument/, 'argument-count'],
        ['Switch([c], "d", "k")', 1, /Switch takes at least 4/, 'argument-count'],
        ['Switch([c], "d", "k", "v", "k2")', 1, /pairs/, 'argument-count'],
        ['Mid([sn], , 2)', 11, /Mid: start must be given/, 'argument-count'],
        ['Replace([x], , "(\\\\w+\\\\s?)*", , "y", , )', 16, /repeats a repetition/, 'pattern'],
        ['Replace([x], "a", , , "b", , "t")', 1, /Microsoft's forms .*, not oldValue, replacementValue, template/, 'argument-count'],
        ['Append([sn], "x"', 17, /expected , or \) in the arguments of Append, found the end/, 'syntax'],
        ['Append([sn] "x")', 13, /expected , or \) in the arguments of Append, found "x"/, 'syntax'],
        ['"open', 1, /string is not closed/, 'syntax'],
        ['[mail', 1, /not closed with \]/, 'syntax'],
        ['[mail address]', 1, /is not an attribute name/, 'syntax'],
        ['"a \\n b"', 4, /backslash in a string escapes only/, 'syntax'],
        ['United States', 8, /expected \( after the function name United \(a string constant needs double quotes\)/, 'syntax'],
        ['[sn] [mail]', 6, /expected the end of the expression, found \[mail\]/, 'syntax'],
        ['', 1, /empty/, 'syntax'],
        ['Append([sn], ;)', 14, /unexpected ';'/, 'syntax'],
      ];
      for (const [text, column, message, kind] of cases) {
        const error = syntaxError(text);
        assert.equal(error.column, column, `${text}: ${error.message}`);
        assert.match(error.message, message, text);
        assert.equal(error.kind, kind, text);
      }
    });

    it('lists the attributes an expression reads, lower-case, once each', () => {
      assert.deepEqual(compileExpression('IIF([C]="US", Join(" ", [givenName], [sn], [givenname]), [c])').attributes, ['c', 'givenname', 'sn']);
    });
  });

  describe("functions (Microsoft's names and argument order)", () => {
    const examples: [string, Value][] = [
      ['Append([userPrincipalName], ".test")', 'John.Doe@contoso.com.test'],
      ['Append([department], ".test")', null],
      ['BitAnd([userAccountControl], 2)', 2],
      ['BitAnd(-2147483646, 2147483648)', 2147483648],
      ['BitAnd([department], 2)', 0],
      ['CBool([userAccountControl] = "514")', true],
      ['CBool(0)', false],
      ['Coalesce([department], [mail], [userPrincipalName])', 'john.doe@contoso.com'],
      ['Coalesce([department], [company], "default")', 'default'],
      ['Coalesce([department], [company])', null],
      ['Count([proxyAddresses])', 3],
      ['Count([department])', 0],
      ['CStr(BitAnd(7, 5))', '5'],
      ['DateFromNum([accountExpires])', '2012-01-01T23:00:00Z'],
      ['DateFromNum("9223372036854775807")', null],
      ['IIF([c]="us", [c], [department])', 'us'],
      ['IIF(IsPresent([department]), [department], "Other")', 'Other'],
      ['IsNull([department])', true],
      ['IsNullOrEmpty([department])', true],
      ['IsNullOrEmpty("")', true],
      ['IsPresent([sn])', true],
      ['IsPresent("")', false],
      ['Item([proxyAddresses], 1)', 'SMTP:john.doe@contoso.com'],
      ['Item([proxyAddresses], 9)', null],
      ['Join(", ", "", [sn], [givenName])', 'Doe, Zoë'],
      ['Join(";", [proxyAddresses], [department])', 'SMTP:john.doe@contoso.com;smtp:jd@contoso.com;smtp:jd@contoso.com'],
      ['Left("John Doe", 3)', 'Joh'],
      ['Left("John Doe", 0)', ''],
      ['Left("John Doe", -1)', 'John Doe'],
      ['Left([department], 3)', ''],
      ['Mid("John Doe", 6, 3)', 'Doe'],
      ['Mid("John Doe", 6, 30)', 'Doe'],
      ['NormalizeDiacritics([givenName])', 'Zoe'],
      ['NormalizeDiacritics("Ærøskøbing Łódź straße")', 'AEroeskoebing Lodz strasse'],
      ['Not("True")', false],
      ['Not(CBool(BitAnd([userAccountControl], 2)))', false],
      ['Not([department])', true],
      ['RemoveDuplicates([proxyAddresses])', ['SMTP:john.doe@contoso.com', 'smtp:jd@contoso.com']],
      ['Replace([mail], "@contoso.com", , , "", , )', 'john.doe'],
      ['Replace("jsmith", "<username>", , , , , "<username>@contoso.com")', 'jsmith@contoso.com'],
      ['Split([extensionAttribute5], ",")', ['PermissionSetOne', 'PermissionSetTwo']],
      ['StripSpaces("John Doe Jr")', 'JohnDoeJr'],
      ['Switch([c], "Unknown", "us", "United States", "fr", "France")', 'United States'],
      ['Switch([c], "Unknown", "US", "United States")', 'Unknown'],
      ['Switch([department], "Default Value", "true", "1", "", "0")', '0'],
      ['ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".", [givenName], [sn]))), "contoso.com"))', 'zoe.doe@contoso.com'],
      ['ToUpper([c])', 'US'],
      ['ToUpper("i", "tr-TR")', 'İ'],
      ['Word("The quick brown fox", 3, " ")', 'brown'],
      ['Word("This,string!has&many separators", 3, ",!&#")', 'has'],
      ['Word("a b", 0, " ")', ''],
      ['Word([department], 1, " ")', ''],
    ];
    for (const [text, expected] of examples) {
      it(`${text} → ${JSON.stringify(expected)}`, () => assert.deepEqual(evaluate(text), expected));
    }

    it('evaluates only the branch IIF and Switch take: an Error() in the other is never reached', () => {
      assert.equal(evaluate('IIF(IsPresent([c]), ToUpper([c]), Error("no country"))'), 'US');
      assert.equal(evaluate('Switch([c], Error("unknown country"), "us", "US")'), 'US');
    });

    it('Error("…") fails the object with the administrator\'s message', () => {
      const error = evaluationError('IIF(IsPresent([department]), [department], Error("every user needs a department"))');
      assert.equal(error.raised, true);
      assert.equal(error.message, 'every user needs a department');
    });

    it('a function refusing a value fails the object, naming the function and the column', () => {
      const cases: [string, number, RegExp][] = [
        ['Append("x", Left([sn], "three"))', 13, /Left: NumChars must be a number, not "three"/],
        ['Mid([sn], 0, 2)', 1, /Mid: start counts from 1/],
        ['Append([proxyAddresses], "x")', 1, /Append: source takes one value, and got 3/],
        ['IIF([sn], "a", "b")', 1, /IIF: condition must be True or False, not "Doe"/],
        ['IIF([proxyAddresses] = "x", "a", "b")', 22, /takes one value.*comparing/],
        ['Split([sn], "")', 1, /delimiter must not be empty/],
      ];
      for (const [text, column, message] of cases) {
        const error = evaluationError(text);
        assert.equal(error.raised, false, text);
        assert.equal(error.column, column, `${text}: ${error.message}`);
        assert.match(error.message, message, text);
      }
    });

    it('never runs the text of an expression as code', () => {
      // A string that would be code to eval stays a string; a name that is not a function is refused when read.
      assert.equal(evaluate('"process.exit(1)"'), 'process.exit(1)');
      assert.match(syntaxError('constructor("x")').message, /unknown function 'constructor'/);
      assert.match(syntaxError('toString([sn])').message, /unknown function 'toString'/);
    });
  });
});
