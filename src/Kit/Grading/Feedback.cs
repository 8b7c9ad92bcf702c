using System.Text;

namespace Kit.Grading;

/// <summary>Text from a submission on its way to a report: no control characters (terminal escapes,
/// carriage returns, bells) in the console, the JSON or the CSV, and a bounded length.</summary>
public static class Feedback
{
    public const int MaxChars = 400;

    public static string Clean(string? text, int maxChars = MaxChars)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var clean = new StringBuilder(Math.Min(text.Length, Math.Min(maxChars, 100_000)));
        foreach (var c in text)
        {
            if (clean.Length >= maxChars) return clean.Append("...").ToString();
            if (c is '\n' or '\t' or '\r') { if (clean.Length > 0 && clean[^1] != ' ') clean.Append(' '); }
            else if (!char.IsControl(c) && c is not ('\u200B' or '\u200E' or '\u200F' or '\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069'))
                clean.Append(c);
        }
        return clean.ToString().TrimEnd();
    }
}
