using System.CommandLine;
using System.Globalization;
using Adjoint;
using Adjoint.Traces;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Kit.Tracing;

/// <summary>
/// <c>kit trace</c>: the forward tables (seeded ẋ₁ = 1, then ẋ₂ = 1, …) and the reverse table of a
/// built-in example, or of any function given as a C# lambda with <c>--function</c> and <c>--at</c>.
/// </summary>
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
        var function = new Option<string?>("--function")
        {
            Description = "A function of your own, as a C# lambda over tensors with Adjoint.Np's functions, e.g. \"(x1, x2) => x1 * Sin(x2)\".",
        };
        var at = new Option<string?>("--at") { Description = "With --function: the point, one number per input, e.g. 1,2." };
        var command = new Command("trace", "Print the forward and reverse evaluation traces of a function, step by step.") { format, example, function, at };
        command.SetAction(r =>
        {
            var chosen = Enum.Parse<TraceFormat>(r.GetValue(format)!, ignoreCase: true);
            return r.GetValue(function) is { } code ? TraceFunction(code, r.GetValue(at), chosen) : Trace(r.GetValue(example)!, chosen);
        });
        return command;
    }

    public static int Trace(string name, TraceFormat format)
    {
        if (TraceExamples.Find(name) is not { } example)
        {
            Console.Error.WriteLine($"kit trace: no example named '{name}' (known: {string.Join(", ", TraceExamples.All.Select(e => e.Name))}).");
            return 2;
        }
        return Print(example, format);
    }

    /// <summary>Compiles <paramref name="code"/> (a lambda of as many tensors as <paramref name="at"/> has numbers) and traces it.</summary>
    public static int TraceFunction(string code, string? at, TraceFormat format)
    {
        if (string.IsNullOrWhiteSpace(at))
        {
            Console.Error.WriteLine("kit trace: --function needs --at, the point to trace at (one number per input, e.g. --at 1,2).");
            return 2;
        }
        double[] point;
        try { point = at.Split(',').Select(s => double.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException)
        {
            Console.Error.WriteLine($"kit trace: --at '{at}' is not a comma-separated list of numbers.");
            return 2;
        }
        if (point.Length is < 1 or > 4)
        {
            Console.Error.WriteLine($"kit trace: functions of 1 to 4 inputs can be traced; --at gives {point.Length}.");
            return 2;
        }
        Func<Tensor[], Tensor> function;
        try { function = Compile(code, point.Length); }
        catch (CompilationErrorException e)
        {
            Console.Error.WriteLine($"kit trace: the function does not compile as a lambda of {point.Length} tensor(s): {string.Join("; ", e.Diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)))}");
            return 2;
        }
        return Print(new TraceExample("function", $"f = {code}, at ({at})", function, point), format);
    }

    private static Func<Tensor[], Tensor> Compile(string code, int arity)
    {
        var options = ScriptOptions.Default
            .AddReferences(typeof(Tensor).Assembly)
            .AddImports("System", "Adjoint", "Adjoint.Np", "Adjoint.Ad");
        string type = "System.Func<" + string.Join(", ", Enumerable.Repeat("Tensor", arity + 1)) + ">";
        var compiled = CSharpScript.EvaluateAsync<Delegate>($"({type})({code})", options).GetAwaiter().GetResult();
        return compiled switch
        {
            Func<Tensor, Tensor> f => a => f(a[0]),
            Func<Tensor, Tensor, Tensor> f => a => f(a[0], a[1]),
            Func<Tensor, Tensor, Tensor, Tensor> f => a => f(a[0], a[1], a[2]),
            Func<Tensor, Tensor, Tensor, Tensor, Tensor> f => a => f(a[0], a[1], a[2], a[3]),
            _ => throw new InvalidOperationException($"unexpected delegate {compiled.GetType()}"),
        };
    }

    private static int Print(TraceExample example, TraceFormat format)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8; // subscripts, v̇ and v̄
        Console.Out.Write(example.Report(format));
        return 0;
    }
}
