using Rethink.Features;

namespace Rethink.Features;

/// <summary>
/// A bank of Morlet wavelets (zero-mean Gabor filters), the standard choice of scattering transforms
/// (Bruna and Mallat 2013): at scale j and orientation θ_l = lπ/L,
/// ψ(u) = exp(−|u|²/(2σ_j²)) · (exp(i ξ_j ⟨u, e_θ⟩) − β), σ_j = σ₀·2ʲ, ξ_j = 3π/(4·2ʲ), with β making
/// ψ's integral zero. The paper does not publish its transform; this is the one used here, and
/// <see cref="GaborConfig"/> records every choice.
/// </summary>
public sealed class GaborFilterBank
{
    /// <summary>Builds the filters of <paramref name="config"/> (validated first).</summary>
    public GaborFilterBank(GaborConfig config)
    {
        config.Validate();
        Config = config;
        var sigmaMax = config.Sigma0 * Math.Pow(2, config.Scales - 1);
        Size = Math.Min(2 * (int)Math.Ceiling(3 * sigmaMax) + 1, config.MaxSize);
        var half = Size / 2;
        Real = new double[config.Scales * config.Orientations][];
        Imaginary = new double[config.Scales * config.Orientations][];
        for (var j = 0; j < config.Scales; j++)
            for (var l = 0; l < config.Orientations; l++)
            {
                var sigma = config.Sigma0 * Math.Pow(2, j);
                var xi = Frequency(j);
                var theta = Math.PI * l / config.Orientations;
                var (c, s) = (Math.Cos(theta), Math.Sin(theta));
                var re = new double[Size * Size];
                var im = new double[Size * Size];
                var envelope = new double[Size * Size];
                double sumEnvelope = 0, sumRe = 0, sumIm = 0;
                for (var y = -half; y <= half; y++)
                    for (var x = -half; x <= half; x++)
                    {
                        var k = (y + half) * Size + x + half;
                        var g = Math.Exp(-(x * x + y * y) / (2 * sigma * sigma));
                        var phase = xi * (x * c + y * s);
                        envelope[k] = g;
                        re[k] = g * Math.Cos(phase);
                        im[k] = g * Math.Sin(phase);
                        sumEnvelope += g;
                        sumRe += re[k];
                        sumIm += im[k];
                    }
                // Morlet correction: subtract β·envelope so that both parts integrate to 0, then normalize to unit L1 norm of the envelope.
                for (var k = 0; k < re.Length; k++)
                {
                    re[k] = (re[k] - sumRe / sumEnvelope * envelope[k]) / sumEnvelope;
                    im[k] = (im[k] - sumIm / sumEnvelope * envelope[k]) / sumEnvelope;
                }
                Real[j * config.Orientations + l] = re;
                Imaginary[j * config.Orientations + l] = im;
            }
    }

    /// <summary>The configuration the filters were built from.</summary>
    public GaborConfig Config { get; }

    /// <summary>Filter side (odd): 2⌈3σ_max⌉ + 1, at most <see cref="GaborConfig.MaxSize"/>.</summary>
    public int Size { get; }

    /// <summary>Real parts, one Size×Size row-major filter per (scale j, orientation l) at index j·L + l.</summary>
    public double[][] Real { get; }

    /// <summary>Imaginary parts, in the order of <see cref="Real"/>.</summary>
    public double[][] Imaginary { get; }

    /// <summary>The number of filters, scales × orientations.</summary>
    public int Count => Real.Length;

    /// <summary>ξ_j = 3π / (4·2ʲ): the centre frequency (radians per pixel) of scale j.</summary>
    public double Frequency(int scale) => 3 * Math.PI / (4 * Math.Pow(2, scale));

    /// <summary>Orientation θ_l = lπ/L of filter index l.</summary>
    public double Orientation(int orientation) => Math.PI * orientation / Config.Orientations;
}

