namespace Kit.Exporting;

/// <summary>A notebook that cannot be written as a file-based app (the message names the cell and the reason).</summary>
public sealed class ExportException(string message) : Exception(message);
