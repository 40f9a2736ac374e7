using System.Text.Json.Serialization;
using ZfsAnsible.Modules.ZfsPool;
using ZfsAnsible.Zfs;

namespace ZfsAnsible.Executables.ZfsPool;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, Converters = [typeof(PoolPresenceJsonConverter)])]
[JsonSerializable(typeof(PoolFacts))]
[JsonSerializable(typeof(ZfsCapabilities))]
internal sealed partial class ZfsPoolCliJson : JsonSerializerContext;
