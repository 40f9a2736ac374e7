using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>What every bad input must end as: one failed JSON answer, unchanged, with a one-line reason and no trace.</summary>
public static class CleanFailure
{
    public static void Assert(ProcessOutcome outcome, string reason)
    {
        var answer = NativeModule.ParseAnswer(outcome);
        Xunit.Assert.True(answer["failed"]?.GetValue<bool>(), outcome.ToString());
        Xunit.Assert.False(answer["changed"]?.GetValue<bool>());
        var msg = answer["msg"]!.GetValue<string>();
        Xunit.Assert.Contains(reason, msg);
        Xunit.Assert.DoesNotContain('\n', msg);
        Xunit.Assert.DoesNotContain("   at ", outcome.StandardOutput);
    }
}
