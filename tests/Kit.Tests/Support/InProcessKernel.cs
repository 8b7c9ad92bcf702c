namespace Kit.Tests.Support;

/// <summary>
/// Tests that run cells inside the test process share process-wide state (the current
/// directory, Console.Out), so they run one at a time; tests of child processes run beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InProcessKernel
{
    public const string Name = "in-process kernel";
}
