using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// zfs_pull_key and zfs_pull_source through real ansible-playbook with the built zfs_replicate binary, and the CLI's
/// --options-file and serve faces: a key generated once and only its public half returned; bad input refused with one
/// line and nothing written.
/// </summary>
public sealed class PullAccessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zfsansible-access-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static PlaybookRun Local(string task) => AnsiblePlaybook.Run(AnsiblePlaybook.Play(task), ["-i", "localhost,", "-c", "local"]);

    [Fact]
    public void The_pull_key_is_generated_once_and_only_its_public_half_is_returned()
    {
        var key = Path.Combine(_directory, "ssh", "pull_ed25519");
        var first = Local($"""
                  zfsansible.zfs.zfs_pull_key:
                    path: {key}
                    comment: zfsansible-pull@test
            """);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, first.Changed);
        var publicKey = first.Result()["public_key"]!.GetValue<string>();
        Assert.StartsWith("ssh-ed25519 ", publicKey, StringComparison.Ordinal);
        Assert.EndsWith(" zfsansible-pull@test", publicKey, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", first.Raw, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(key)!));

        var second = Local($"""
                  zfsansible.zfs.zfs_pull_key:
                    path: {key}
                    comment: zfsansible-pull@test
            """);
        Assert.Equal(0, second.Changed);
        Assert.Equal(publicKey, second.Result()["public_key"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("public_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake\\ncommand=\\\"sh\\\" ssh-ed25519 AAAA\"\n        allow: [tank]", "is not one OpenSSH public key line")]
    [InlineData("public_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake x\"\n        allow: [\"-rf\"]", "allow: invalid dataset name '-rf'")]
    [InlineData("public_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake x\"\n        allow: [\"tank; sh\"]", "allow: invalid dataset name")]
    [InlineData("public_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake x\"", "serve needs at least one allow DATASET")]
    [InlineData("public_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake x\"\n        allow: [tank]\n        access: shell", "value of access must be one of: serve, receive, got: shell")]
    public void A_bad_source_authorization_fails_in_one_line_and_leaves_the_file_as_it_was(string options, string reason)
    {
        var file = Path.Combine(_directory, "authorized_keys");
        File.WriteAllText(file, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherOtherOther someone@else\n");
        var run = Local($"""
                  zfsansible.zfs.zfs_pull_source:
                    authorized_keys: {file}
                    {options}
            """);
        Assert.Equal(1, run.Failures);
        var message = run.Result()["msg"]!.GetValue<string>();
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherOtherOther someone@else\n", File.ReadAllText(file));
    }

    [Theory]
    [InlineData(new[] { "run", "--options-file", "OPTIONS", "--target-root", "backup" }, "cannot be given beside it")]
    [InlineData(new[] { "run", "--options-file", "MISSING" }, "does not exist")]
    [InlineData(new[] { "run", "--options-file", "UNKNOWN" }, "Unsupported parameters for (zfs_replicate) module: colour")]
    [InlineData(new[] { "run", "--options-file" }, "needs a value")]
    [InlineData(new[] { "run" }, "--target-root is required")]
    [InlineData(new[] { "serve" }, "allow")]
    [InlineData(new[] { "serve", "--allow", "-rf" }, "Option 'r' is unknown")] // the parser reads -rf as options
    [InlineData(new[] { "serve", "--allow=-rf" }, "--allow: invalid dataset name '-rf'")]
    [InlineData(new[] { "serv", "--allow", "tank" }, "usage: zfs_replicate")]
    public void The_timer_and_serve_faces_refuse_bad_arguments_with_a_usage_error(string[] arguments, string reason)
    {
        File.WriteAllText(Path.Combine(_directory, "options.json"), "{\"target_root\": \"backup\"}");
        File.WriteAllText(Path.Combine(_directory, "unknown.json"), "{\"target_root\": \"backup\", \"colour\": \"blue\"}");
        var argv = arguments.Select(a => a switch
        {
            "OPTIONS" => Path.Combine(_directory, "options.json"),
            "MISSING" => Path.Combine(_directory, "missing.json"),
            "UNKNOWN" => Path.Combine(_directory, "unknown.json"),
            _ => a,
        }).ToArray();
        var outcome = Processes.Run(Repository.Executable("zfs_replicate", "linux-x64"), argv);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains(reason, outcome.StandardError, StringComparison.Ordinal);
        Assert.Empty(outcome.StandardOutput);
    }
}
