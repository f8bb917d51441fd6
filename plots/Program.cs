using Rethink.Plots.Cli;

// With no arguments the console runs the main job: every experiment at the quick profile, then
// every figure and table (`rethink reproduce`).
return RethinkApp.Run(args.Length == 0 ? ["reproduce"] : args);
