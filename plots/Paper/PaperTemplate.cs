using Rethink.Core;

namespace Rethink.Plots.Paper;

/// <summary>
/// `rethink paper init DIR`: a LaTeX article that reads its numbers, figures and tables from a Rethink
/// results folder — <c>rethink.sty</c> (the <c>\rethink{Name}</c> command: the number, or a bold "??"
/// and a warning when the results do not have it), <c>main.tex</c> (booktabs, siunitx, graphicx; Lemma
/// 1 and Theorem 1 with their checks, the kernel table, Figure 1, the theorem-check table) and a
/// Makefile (pdf, check). Existing files are never overwritten.
/// </summary>
public static class PaperTemplate
{
    public const string Package = """
        \NeedsTeXFormat{LaTeX2e}
        \ProvidesPackage{rethink}[2026/12/04 numbers, figures and tables from Rethink results]
        \RequirePackage{graphicx}
        % \rethinkresults{DIR}: where `rethink reproduce` / `rethink render` wrote macros.tex, figures/ and tables/.
        % \rethinkresults[Prefix]{DIR}: a further results folder (another profile, say) whose macros are read
        % with Prefix before their names (\rethink{PrefixName}); \rethinkfrom{Prefix} in a group takes its
        % figures and tables. Prefix: ASCII letters.
        \newcommand*{\rethinkresultsdir}{results}
        \newcommand*{\rethinkresults}[2][]{%
          \ifx\relax#1\relax
            \renewcommand*{\rethinkresultsdir}{#2}%
            \InputIfFileExists{#2/macros.tex}{}{\PackageWarningNoLine{rethink}{No #2/macros.tex: run rethink reproduce; numbers show as ??}}%
          \else
            \expandafter\gdef\csname rethink@dir@#1\endcsname{#2}%
            \begingroup
              \def\rethink@prefix{#1}%
              \let\newcommand\rethink@prefixed
              \InputIfFileExists{#2/macros.tex}{}{\PackageWarningNoLine{rethink}{No #2/macros.tex: run rethink reproduce; numbers with prefix #1 show as ??}}%
            \endgroup
          \fi}
        \def\rethink@prefixed#1#2{\expandafter\gdef\csname\rethink@prefix\expandafter\@gobble\string#1\endcsname{#2}}
        \newcommand*{\rethinkfrom}[1]{%
          \ifcsname rethink@dir@#1\endcsname\edef\rethinkresultsdir{\csname rethink@dir@#1\endcsname}%
          \else\PackageWarning{rethink}{No results folder with prefix #1; declare it with \string\rethinkresults[#1]{DIR}}\fi}
        % \rethink{Name}: the value of \Name from macros.tex; a visible ?? (and a warning) when it is missing,
        % so a paper always builds and `rethink paper check` lists what to regenerate.
        \newcommand*{\rethinkmissing}[1]{\textbf{??}\PackageWarning{rethink}{Missing result macro #1; run rethink paper check}}
        \newcommand*{\rethink}[1]{\ifcsname #1\endcsname\csname #1\endcsname\else\rethinkmissing{#1}\fi}
        % \rethinkfigure[options]{id}: figures/<id>.png of the results; a framed ?? when missing.
        \newcommand*{\rethinkfigure}[2][width=\linewidth]{%
          \IfFileExists{\rethinkresultsdir/figures/#2.png}{\includegraphics[#1]{\rethinkresultsdir/figures/#2.png}}{\fbox{\textbf{??} figure #2 missing}}}
        % \rethinktable{id}: tables/<id>.tex of the results (a table environment); a framed ?? when missing.
        \newcommand*{\rethinktable}[1]{%
          \IfFileExists{\rethinkresultsdir/tables/#1.tex}{\input{\rethinkresultsdir/tables/#1.tex}}{\par\fbox{\textbf{??} table #1 missing}\par}}
        \endinput
        """;

    public static string Article(string results) => $$$"""
        \documentclass[11pt]{article}
        \usepackage[margin=2.4cm]{geometry}
        \usepackage{amsmath,amsthm}
        \usepackage{booktabs}
        \usepackage{siunitx}
        \usepackage{graphicx}
        \usepackage{rethink}
        \rethinkresults{{{{results}}}}

        \newtheorem{lemma}{Lemma}
        \newtheorem{theorem}{Theorem}

        \title{Rethinking generalization, checked}
        \author{}
        \date{Rethink \rethink{RethinkVersion} (commit \texttt{\rethink{RethinkCommit}})}

        \begin{document}
        \maketitle

        \begin{lemma}[Zhang et al.\ 2017, Lemma~1]
        For real numbers $b_1 < x_1 < b_2 < x_2 < \dots < b_n < x_n$, the $n \times n$ matrix
        $A = [\max(x_i - b_j, 0)]_{ij}$ has full rank, and its smallest eigenvalue is $\min_i (x_i - b_i)$.
        \end{lemma}
        \noindent\emph{Check:} \rethink{CheckedLemmaOne}.

        \begin{theorem}[Zhang et al.\ 2017, Theorem~1]
        There exists a two-layer neural network with ReLU activations and $2n + d$ weights that can
        represent any function on a sample of size $n$ in $d$ dimensions.
        \end{theorem}
        \noindent\emph{Check:} \rethink{CheckedTheoremOne}.

        \section{Kernels}
        The minimum-norm interpolant of the MNIST pixels reaches \rethink{MnistRawTestError} test error with an RKHS norm of \rethink{MnistRawNorm}.

        \rethinktable{kernel-table}

        \section{Randomization tests}
        \begin{figure}[t]
          \centering
          \rethinkfigure[width=0.6\linewidth]{fig1a}
          \caption{Training loss under the randomizations.}
        \end{figure}

        \appendix
        \section{How the claims were checked}
        \rethinktable{theorem-checks}

        \end{document}
        """;

    public static string Makefile(string results) => $$"""
        # make: the PDF (pdflatex twice);  make check: missing or stale numbers (rethink paper check).
        RESULTS ?= {{results}}
        # The rethink tool wherever it was installed: on PATH, as a global tool, or with --tool-path ~/.rethink.
        RETHINK ?= $(firstword $(shell command -v rethink 2>/dev/null) $(wildcard $(HOME)/.dotnet/tools/rethink $(HOME)/.rethink/rethink) rethink)

        main.pdf: main.tex rethink.sty $(wildcard $(RESULTS)/macros.tex $(RESULTS)/tables/*.tex $(RESULTS)/figures/*.png)
        	pdflatex -interaction=nonstopmode -halt-on-error main.tex >/dev/null
        	pdflatex -interaction=nonstopmode -halt-on-error main.tex

        check:
        	@command -v $(RETHINK) >/dev/null 2>&1 || { echo "make check: no rethink tool found (PATH, ~/.dotnet/tools, ~/.rethink); give its path: make check RETHINK=DIR/rethink"; exit 2; }
        	$(RETHINK) paper check . --results $(RESULTS)

        .PHONY: check
        """;

    /// <summary>Writes the three files into <paramref name="directory"/>, skipping those that exist; returns what it wrote.</summary>
    public static IReadOnlyList<string> Write(string directory, string results)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var (name, text) in new[] { ("rethink.sty", Package), ("main.tex", Article(results)), ("Makefile", Makefile(results)) })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path)) continue;
            AtomicFile.WriteAllText(path, text.Replace("\r\n", "\n") + "\n");
            written.Add(path);
        }
        return written;
    }
}
