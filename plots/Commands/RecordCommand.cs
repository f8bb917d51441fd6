using System.CommandLine;
using System.Globalization;
using Rethink.Core;
using Rethink.Plots.Cli;

namespace Rethink.Plots.Commands;

/// <summary>
/// `rethink record value|figure`: the console path of <see cref="UserRecord"/> — a number or a PNG that the
/// user's own script computed goes into a results folder, so that `rethink render` makes it a macro or a
/// \rethinkfigure target and `rethink paper check` checks it (and the files it was computed from) like Rethink's own.
/// </summary>
public static class RecordCommand
{
    public static Command Create()
    {
        var command = new Command("record", "Record a number or a figure of your own into a results folder, so a paper quotes it and paper check checks it.");
        command.Subcommands.Add(Value());
        command.Subcommands.Add(Figure());
        return command;
    }

    private static Option<string> Out() => new("--out") { Description = "The results folder the paper reads (default: results).", DefaultValueFactory = _ => "results" };

    private static Option<string[]> Inputs() => new("--input") { Description = "A file the number or figure was computed from (repeatable): paper check reports it stale when one changes.", AllowMultipleArgumentsPerToken = true };

    private static Command Value()
    {
        var name = new Argument<string>("NAME") { Description = "The macro name, ASCII letters only (\\NAME in the paper)." };
        var value = new Argument<string>("VALUE") { Description = "The number (invariant culture: 0.25, 1e-3)." };
        var format = new Option<string>("--format") { Description = "A .NET numeric format: F2, N0, P1, G4 (default).", DefaultValueFactory = _ => "G4" };
        var unit = new Option<string?>("--unit") { Description = "Printed after the number, e.g. s, \\%." };
        var output = Out();
        var inputs = Inputs();
        var command = new Command("value", "Record a number as the macro \\NAME (after rethink render).") { name, value, format, unit, output, inputs };
        command.SetAction(parse =>
        {
            var text = parse.GetValue(value)!;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw new CommandLineException($"VALUE: {text} is not a number; give it in invariant culture, e.g. 0.25 or 1e-3.");
            CommonOptions.EnsureWritable(parse.GetValue(output)!, "--out");
            var path = Map(() => UserRecord.RecordValue(parse.GetValue(output)!, parse.GetValue(name)!, number, parse.GetValue(format)!, parse.GetValue(unit), parse.GetValue(inputs)));
            var record = Json.Deserialize<UserRecord>(File.ReadAllText(path), path);
            Console.WriteLine($"recorded \\{record.Name} = {record.Text} in {path} ({record.Inputs.Count} input(s) hashed); `rethink render --out {parse.GetValue(output)}` makes it a macro");
            return 0;
        });
        return command;
    }

    private static Command Figure()
    {
        var id = new Argument<string>("ID") { Description = "The figure id: letters, digits and '-' (\\rethinkfigure{ID})." };
        var png = new Argument<string>("PNG") { Description = "The PNG your program drew." };
        var output = Out();
        var inputs = Inputs();
        var command = new Command("figure", "Record a PNG as figures/ID.png, a \\rethinkfigure{ID} target.") { id, png, output, inputs };
        command.SetAction(parse =>
        {
            CommonOptions.EnsureWritable(parse.GetValue(output)!, "--out");
            var path = Map(() => UserRecord.RecordFigure(parse.GetValue(output)!, parse.GetValue(id)!, parse.GetValue(png)!, parse.GetValue(inputs)));
            Console.WriteLine($"recorded figure {parse.GetValue(id)} in {path}; `rethink render --out {parse.GetValue(output)}` makes it a checked \\rethinkfigure target");
            return 0;
        });
        return command;
    }

    /// <summary>The library's parameter names, as this command's arguments.</summary>
    private static string Map(Func<string> record)
    {
        try
        {
            return record();
        }
        catch (UserInputException e)
        {
            var argument = e.Parameter switch { "name" => "NAME", "value" => "VALUE", "format" => "--format", "id" => "ID", "png" => "PNG", "inputs" => "--input", _ => e.Parameter };
            throw new CommandLineException($"{argument}: {e.ValueText}: {e.Message}");
        }
    }
}
