namespace Rethink.Data;

/// <summary>A file of an official dataset distribution: its size, MD5, and where it is published.</summary>
public sealed record KnownFile(string Name, long Bytes, string Md5, IReadOnlyList<Uri> Sources);
