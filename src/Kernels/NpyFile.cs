using System.Text;
using Rethink.Core;

namespace Rethink.Kernels;

/// <summary>
/// Writes arrays in NumPy's .npy format (version 1.0, little-endian float64, C or Fortran order) so
/// that α and predictions can be read by numpy.load anywhere. Written atomically.
/// </summary>
public static class NpyFile
{
    /// <summary>Writes a rows×columns column-major array (Fortran order, as the solvers keep α).</summary>
    public static void WriteColumnMajor(string path, double[] values, int rows, int columns)
    {
        if (values.LongLength != (long)rows * columns)
            throw new ArgumentException($"{rows}x{columns} needs {(long)rows * columns} values; got {values.LongLength}.", nameof(values));
        var header = $"{{'descr': '<f8', 'fortran_order': True, 'shape': ({rows}, {columns}), }}";
        // Magic, version, header length; the header is padded with spaces and ends in a newline so that data starts at a multiple of 64.
        var unpadded = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - unpadded % 64) % 64) + "\n";
        AtomicFile.Write(path, stream =>
        {
            stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']);
            stream.WriteByte(1);
            stream.WriteByte(0);
            var length = (ushort)header.Length;
            stream.WriteByte((byte)(length & 0xff));
            stream.WriteByte((byte)(length >> 8));
            stream.Write(Encoding.ASCII.GetBytes(header));
            var bytes = new byte[values.LongLength * 8];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            stream.Write(bytes);
        });
    }

    /// <summary>Reads a float64 .npy written by <see cref="WriteColumnMajor"/> (or numpy): values in column-major order.</summary>
    public static (double[] Values, int Rows, int Columns) ReadColumnMajor(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not a .npy file (bad magic).");
        var headerLength = bytes[8] | (bytes[9] << 8);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        if (!header.Contains("'<f8'")) throw new InvalidDataException($"{path}: only little-endian float64 (<f8) is supported; header {header.Trim()}.");
        var fortran = header.Contains("'fortran_order': True");
        var shape = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        shape = shape[..shape.IndexOf(')')];
        var dims = shape.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var (rows, columns) = dims.Length == 1 ? (dims[0], 1) : (dims[0], dims[1]);
        var data = new double[(long)rows * columns];
        Buffer.BlockCopy(bytes, 10 + headerLength, data, 0, data.Length * 8);
        if (fortran || columns == 1) return (data, rows, columns);
        var transposed = new double[data.LongLength];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
                transposed[(long)j * rows + i] = data[(long)i * columns + j];
        return (transposed, rows, columns);
    }
}
