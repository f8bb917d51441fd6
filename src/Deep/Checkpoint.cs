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
    List<StepLoss> Losses);

/// <summary>
/// A training checkpoint: the trainer state (JSON), the model's parameters and buffers (BatchNorm
/// statistics included) and the optimizer's momentum buffers, in one file written atomically. The
/// data order and every random draw are functions of (seed, epoch, step), so no generator state is
/// needed to continue exactly.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "RETHINK-CKPT-1";

    public static void Save(string path, TrainerState state, nn.Module model, SgdMomentum optimizer)
    {
        byte[] modelBytes;
        using (var memory = new MemoryStream())
        {
            model.save(memory);
            modelBytes = memory.ToArray(); // save() closes the stream; ToArray still works then.
        }
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
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
        });
    }

    /// <summary>Restores model and optimizer in place and returns the trainer state.</summary>
    public static TrainerState Load(string path, nn.Module model, SgdMomentum optimizer)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException($"{path}: not a Rethink checkpoint (bad magic).");
            var state = Json.Deserialize<TrainerState>(reader.ReadString(), path);
            var length = reader.ReadInt64();
            using (var modelBytes = new MemoryStream(reader.ReadBytes(checked((int)length))))
                model.load(modelBytes);
            var count = reader.ReadInt32();
            if (count != optimizer.Buffers.Count)
                throw new InvalidDataException($"{path}: {count} momentum buffers, the model has {optimizer.Buffers.Count} parameters; the checkpoint belongs to another model.");
            using var _ = no_grad();
            foreach (var buffer in optimizer.Buffers)
            {
                var n = reader.ReadInt32();
                if (n != buffer.numel()) throw new InvalidDataException($"{path}: a momentum buffer has {n} values, the parameter {buffer.numel()}.");
                var data = new float[n];
                Buffer.BlockCopy(reader.ReadBytes(n * sizeof(float)), 0, data, 0, n * sizeof(float));
                using var loaded = tensor(data, buffer.shape);
                buffer.copy_(loaded);
            }
            return state;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the checkpoint is truncated.", e);
        }
    }
}
