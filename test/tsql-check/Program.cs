// Parses T-SQL statements with Microsoft's own parser (Microsoft.SqlServer.TransactSql.ScriptDom) as SQL Server 2016
// reads them (TSql130Parser: the oldest SQL Server DirSync supports), and checks that every column holding an anchor
// or a cloud id, in a table, a table type or an ALTER COLUMN, declares the one collation (two would meet in a join
// as SQL Server's error 468).
//   TsqlCheck <statements.json>    (written by check.ts beside this file)
// Input: { "collation": "…", "collatedColumns": "<regex of column names>", "statements": [{ "source": "…", "text": "…" }] }.
// Prints each parse error with its statement, then "N T-SQL statements parsed, E errors", each column of another
// collation, then "M anchor and cloud-id columns checked, K not declaring <collation>". Exit code 1 on any finding.
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: TsqlCheck <statements.json>");
    return 2;
}

var input = JsonSerializer.Deserialize<Input>(File.ReadAllText(args[0]), new JsonSerializerOptions(JsonSerializerDefaults.Web))
    ?? throw new InvalidDataException($"{args[0]} holds no statements");
var parser = new TSql130Parser(initialQuotedIdentifiers: true);
var collatedColumn = new Regex(input.CollatedColumns, RegexOptions.CultureInvariant);
var parseErrors = 0;
var columns = new List<CollatedColumn>();

foreach (var statement in input.Statements)
{
    var fragment = parser.Parse(new StringReader(statement.Text), out var errors);
    foreach (var error in errors)
    {
        parseErrors++;
        Console.WriteLine($"{statement.Source}: line {error.Line}, column {error.Column}: {error.Message}");
    }
    if (errors.Count > 0)
    {
        Console.WriteLine($"  in: {statement.Text.Trim()}");
        continue;
    }
    var finder = new CollatedColumnFinder(statement.Source, collatedColumn);
    fragment.Accept(finder);
    columns.AddRange(finder.Found);
}

Console.WriteLine($"{input.Statements.Count} T-SQL statements parsed, {parseErrors} errors");
var otherCollation = columns.Where(column => !string.Equals(column.Collation, input.Collation, StringComparison.OrdinalIgnoreCase)).ToList();
foreach (var column in otherCollation)
{
    Console.WriteLine($"{column.Source}: {column.Table}.{column.Name} declares {column.Collation ?? "no collation"}, not {input.Collation}");
}
Console.WriteLine($"{columns.Count} anchor and cloud-id columns checked, {otherCollation.Count} not declaring {input.Collation}");
return parseErrors == 0 && otherCollation.Count == 0 ? 0 : 1;

record Statement(string Source, string Text);

record Input(string Collation, string CollatedColumns, IReadOnlyList<Statement> Statements);

record CollatedColumn(string Source, string Table, string Name, string? Collation);

/** The columns whose name matches, wherever a statement declares one, with the collation it declares. */
sealed class CollatedColumnFinder(string source, Regex names) : TSqlFragmentVisitor
{
    private string table = "?";

    public List<CollatedColumn> Found { get; } = [];

    // A statement's own node is visited before its children: the column definitions below learn their table here.
    public override void Visit(CreateTableStatement node) => table = node.SchemaObjectName.BaseIdentifier.Value;

    public override void Visit(CreateTypeTableStatement node) => table = node.Name.BaseIdentifier.Value;

    public override void Visit(AlterTableStatement node) => table = node.SchemaObjectName.BaseIdentifier.Value;

    public override void Visit(ColumnDefinition node) => Add(node.ColumnIdentifier.Value, node.Collation);

    public override void Visit(AlterTableAlterColumnStatement node)
    {
        if (node.DataType is not null) Add(node.ColumnIdentifier.Value, node.Collation);
    }

    private void Add(string name, Identifier? collation)
    {
        if (names.IsMatch(name)) Found.Add(new CollatedColumn(source, table, name, collation?.Value));
    }
}
