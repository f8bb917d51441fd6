using System.Text;
using Rethink.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>Trainer state saved with each checkpoint (everything except tensors).</summary>
public sealed record TrainerState(
    string ConfigHash,
    long Step,
    int Epoch,
    double Seconds,
    double LossSum,
    int LossCount,
    double BestTestAccuracy,
    long? StepsToFit,
    double? SecondsToFit,
    int Resumed,
    List<TrainingRecord> Records,
    List<StepLoss> Losses,
    long? DivergedAtStep = null);

/// <summary>
/// A training checkpoint: the trainer state (JSON), the model's parameters and buffers (BatchNorm
/// statistics included) and the optimizer's momentum buffers, in one file written atomically and ended by
/// the XXH128 checksum of everything before it, verified before anything is restored: a damaged or edited
/// checkpoint is refused with the file named, never resumed from. The data order and every random draw are
/// functions of (seed, epoch, step), so no generator state is needed to continue exactly.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "RETHINK-CKPT-2";
    private const string OldMagic = "RETHINK-CKPT-1";
    private const int ChecksumBytes = 16;

    /// <summary>What to do about a checkpoint that cannot be used.</summary>
    public const string Remedy = "delete it to start the run over, or run without resuming";

    /// <summary>Writes the state, the model's weights and the optimizer's buffers to <paramref name="path"/> (atomically, with a checksum).</summary>
    public static void Save(string path, TrainerState state, nn.Module model, SgdMomentum optimizer)
    {
        byte[] modelBytes;
        using (var memory = new MemoryStream())
        {
            model.save(memory);
            modelBytes = memory.ToArray(); // save() closes the stream; ToArray still works then.
        }
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Json.Serialize(state, indented: false));
            writer.Write((long)modelBytes.Length);
            writer.Write(modelBytes);
            writer.Write(optimizer.Buffers.Count);
            foreach (var buffer in optimizer.Buffers)
            {
                using var cpuBuffer = buffer.cpu();
                var data = cpuBuffer.data<float>().ToArray();
                writer.Write(data.Length);
                var bytes = new byte[data.Length * sizeof(float)];
                Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
                writer.Write(bytes);
            }
        }
        var content = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        var checksum = System.IO.Hashing.XxHash128.Hash(content);
        var copy = content.ToArray();
        AtomicFile.Write(path, stream =>
        {
            stream.Write(copy);
            stream.Write(checksum);
        });
    }

    /// <summary>The verified content of a checkpoint, ready to be restored once its state is accepted.</summary>
    public sealed class Contents
    {
        private readonly string _path;
        private readonly byte[] _bytes;
        private readonly int _tensors;

        internal Contents(string path, byte[] bytes, TrainerState state, int tensors) => (_path, _bytes, State, _tensors) = (path, bytes, state, tensors);

        /// <summary>The trainer state (step, epoch, metrics, the config's hash).</summary>
        public TrainerState State { get; }

        /// <summary>Restores model and optimizer in place.</summary>
        public void Restore(nn.Module model, SgdMomentum optimizer)
        {
            using var reader = new BinaryReader(new MemoryStream(_bytes, _tensors, _bytes.Length - ChecksumBytes - _tensors), Encoding.UTF8);
            try
            {
                var length = reader.ReadInt64();
                using (var modelBytes = new MemoryStream(reader.ReadBytes(checked((int)length))))
                    model.load(modelBytes);
                var count = reader.ReadInt32();
                if (count != optimizer.Buffers.Count)
                    throw new CorruptFileException(_path, $"{count} momentum buffers, the model has {optimizer.Buffers.Count} parameters: it belongs to another model", Remedy);
                using var _ = no_grad();
                foreach (var buffer in optimizer.Buffers)
                {
                    var n = reader.ReadInt32();
                    if (n != buffer.numel()) throw new CorruptFileException(_path, $"a momentum buffer has {n} values, the parameter {buffer.numel()}: it belongs to another model", Remedy);
                    var data = new float[n];
                    Buffer.BlockCopy(reader.ReadBytes(n * sizeof(float)), 0, data, 0, n * sizeof(float));
                    using var loaded = tensor(data, buffer.shape);
                    buffer.copy_(loaded);
                }
            }
            catch (EndOfStreamException)
            {
                throw new CorruptFileException(_path, "its sections are shorter than they say", Remedy);
            }
        }
    }

    /// <summary>Reads and verifies a checkpoint (checksum, format, state), restoring nothing yet.</summary>
    public static Contents Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length <= ChecksumBytes) throw new CorruptFileException(path, "truncated", Remedy);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - ChecksumBytes), Encoding.UTF8);
            var magic = reader.ReadString();
            if (magic == OldMagic) throw new CorruptFileException(path, "written by an older Rethink, without a checksum", Remedy);
            if (magic != Magic) throw new CorruptFileException(path, "not a Rethink checkpoint", Remedy);
            var expected = System.IO.Hashing.XxHash128.Hash(bytes.AsSpan(0, bytes.Length - ChecksumBytes));
            if (!expected.AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumBytes)))
                throw new CorruptFileException(path, "its content does not match its checksum (damaged or edited)", Remedy);
            TrainerState state;
            try
            {
                state = Json.Deserialize<TrainerState>(reader.ReadString(), path);
            }
            catch (InvalidDataException e)
            {
                throw new CorruptFileException(path, $"its trainer state is not readable ({e.Message})", Remedy);
            }
            return new Contents(path, bytes, state, (int)reader.BaseStream.Position);
        }
        catch (EndOfStreamException)
        {
            throw new CorruptFileException(path, "truncated", Remedy);
        }
    }
}
