using System.Text.Json.Serialization;
using ZfsAnsible.Modules.PiBootConfig;
using ZfsAnsible.Modules.ZfsDatasetPolicy;
using ZfsAnsible.Modules.ZfsFacts;
using ZfsAnsible.Modules.ZfsPool;
using ZfsAnsible.Modules.ZfsReplicate;
using ZfsAnsible.Modules.Access;
using ZfsAnsible.Modules.Timers;
using ZfsAnsible.Modules.ZfsSnapshotPrune;

namespace ZfsAnsible.Modules;

/// <summary>
/// Binds validated module parameters (defaults applied, types coerced by the spec) to each module's typed
/// arguments: option names in snake_case, choices to enums (read without regard to case).
/// </summary>
// MaxDepth: a dict option given as a JSON string was parsed at the default depth and sits one level deeper here.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true, MaxDepth = 256)]
[JsonSerializable(typeof(ZfsPoolArguments))]
[JsonSerializable(typeof(ZfsDatasetPolicyArguments))]
[JsonSerializable(typeof(ZfsSnapshotPruneArguments))]
[JsonSerializable(typeof(ZfsReplicateArguments))]
[JsonSerializable(typeof(ZfsTimerArguments))]
[JsonSerializable(typeof(ZfsPullKeyArguments))]
[JsonSerializable(typeof(ZfsPullSourceArguments))]
[JsonSerializable(typeof(PiBootConfigArguments))]
[JsonSerializable(typeof(PiPcieInfoArguments))]
[JsonSerializable(typeof(ZfsFactsArguments))]
internal sealed partial class ModuleArgumentsJson : JsonSerializerContext;
