using System.CommandLine;
using Adjoint.Traces;

namespace Kit.Tracing;

/// <summary><c>kit trace</c>: forward tables (seeded ẋ₁ = 1, then ẋ₂ = 1) and the reverse table of a built-in example.</summary>
public static class TraceCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "text, markdown or html.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown", "html");
        var example = new Option<string>("--example")
        {
            Description = "A built-in example: " + string.Join(", ", TraceExamples.All.Select(e => e.Name)) + ".",
            DefaultValueFactory = _ => "lecture",
        };
        var command = new Command("trace", "Print the forward and reverse evaluation traces of a function, step by step.") { format, example };
        command.SetAction(r => Trace(r.GetValue(example)!, Enum.Parse<TraceFormat>(r.GetValue(format)!, ignoreCase: true)));
        return command;
    }

    public static int Trace(string name, TraceFormat format)
    {
        if (TraceExamples.Find(name) is not { } example)
        {
            Console.Error.WriteLine($"kit trace: no example named '{name}' (known: {string.Join(", ", TraceExamples.All.Select(e => e.Name))}).");
            return 2;
        }
        Console.OutputEncoding = System.Text.Encoding.UTF8; // subscripts, v̇ and v̄
        Console.Out.Write(example.Report(format));
        return 0;
    }
}
