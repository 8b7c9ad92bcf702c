namespace Course;

/// <summary>A failed <see cref="Check"/>; the message is written for the student.</summary>
public sealed class CheckFailedException(string message) : Exception(message);
