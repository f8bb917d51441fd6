global using Rethink.Core;
