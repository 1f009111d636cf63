using ScimHub.Provisioning.Reports;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Reports;

public sealed class ReportCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("+x,y", "\"'+x,y\"")]
    public void Fields_are_quoted_when_needed_and_formulas_stay_text(string value, string written) =>
        Assert.Equal(written + "\r\n", ReportCsv.Line([value]));

    [Fact]
    public void A_line_reads_back_as_its_fields()
    {
        string?[] fields = ["a,b", "\"q\"", "x\r\ny", null, ""];

        var parsed = Csv.Parse(ReportCsv.Line(fields));

        Assert.Equal(["a,b", "\"q\"", "x\r\ny", "", ""], Assert.Single(parsed));
    }
}
