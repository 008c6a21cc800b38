using Broker.Raft;

namespace Broker.Simulation;

/// <summary>A message in flight; <see cref="Lost"/> ones are dropped on arrival instead of delivered.</summary>
internal readonly record struct Envelope(Message Message, bool Lost);
