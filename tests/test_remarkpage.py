"""A remark course page read as data: options mapped and checked, problems at their page line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from podium import jsdata
from podium.remarkpage import parse_remark_page, read_remark_page

# `{head}` is line 3 of this page, `{body}` line 8, the remark.create call line 11 and `{options}` line 12.
PAGE = """\
<!DOCTYPE html>
<html><head>
{head}
</head>
<body>
<textarea id="source">
# Slide
{body}
</textarea>
<script src="remark.js"></script><script>
var slideshow = remark.create({{
{options}
}});
</script>
</body></html>
"""
OPTIONS_LINE = 12


def read(tmp_path: Path, text: str, newline: str = "\n"):
    path = tmp_path / "index.html"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return read_remark_page(path, "s/index.html")


def page(tmp_path: Path, options: str = "", head: str = "<title>T</title>", body: str = "", newline: str = "\n"):
    return read(tmp_path, PAGE.format(options=options, head=head, body=body), newline)


def script_page(tmp_path: Path, script: str):
    """The page with `script` in place of its remark.create call (line 11)."""
    text = PAGE.format(options="@", head="", body="")
    return read(tmp_path, text.replace("var slideshow = remark.create({\n@\n});", script))


def found(result) -> list[tuple[int, int, str]]:
    return [(d.location.line, d.location.column, d.code) for d in result.problems]


# ---- options ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    ("ratio: '16:10'", {"ratio": "16:10"}),
    ("highlightStyle: \"monokai\"", {"highlight_style": "monokai"}),
    ("highlightLanguage: 'python'", {"highlight_language": "python"}),
    ("highlightLines: true", {"highlight_lines": True}),
    ("highlightSpans: false", {"highlight_spans": False}),
    ("countIncrementalSlides: false", {"count_incremental_slides": False}),
    ("slideNumberFormat: '%current% of %total%'", {"slide_number_format": "%current% of %total%"}),
    ("navigation: { scroll: false, click: true, }", {"navigation": {"scroll": False, "click": True}}),
    ("excludedClasses: ['draft', \"hidden\"]", {"exclude_classes": ("draft", "hidden")}),
    ("includePresenterNotes: false", {"include_presenter_notes": False}),
    ("inheritPresenterNotes: false", {"inherit_presenter_notes": False}),
    ("'ratio': '16:9', /* c */ highlightLines: true, // c\n  sourceUrl: 'x.md',",
     {"ratio": "16:9", "highlight_lines": True}),
])
def test_each_remark_option_gives_its_course_setting(tmp_path, options, expected) -> None:
    result = page(tmp_path, options)
    assert (dict(result.options), result.problems) == (expected, ())


def test_source_url_is_kept_apart(tmp_path) -> None:
    result = page(tmp_path, "sourceUrl: 'slides.md', ratio: '16:9'")
    assert (result.source_url, dict(result.options)) == ("slides.md", {"ratio": "16:9"})
    assert page(tmp_path, "ratio: '16:9'").source_url is None


@pytest.mark.parametrize("options, column, fragment", [
    ("timer: { startOnChange: false },", 1,
     "remark option 'timer' is left out: Podium's presenter view has its own timer"),
    ("  highlightInlineCode: true,", 3, "remark option 'highlightInlineCode' is left out: Podium does not highlight"),
    ("cloneTarget: '_blank'", 1, "remark option 'cloneTarget' is left out"),
    ("container: document.getElementById('x')", 1, "remark option 'container' is left out"),
    ("disableIncrementalSlides: true", 1, "remark option 'disableIncrementalSlides' is left out"),
    ("slideNumberFormat: function (current, total) { return current; },", 20,
     "remark option 'slideNumberFormat' is left out: a function is not supported; use a string"),
    ("slideNumberFormat: (c, t) => c + '/' + t", 20, "a function is not supported"),
    ("highlightSpans: /«(.+?)»/g", 17,
     "remark option 'highlightSpans' is left out: a regular expression is not supported; "
     "`true` highlights the text between backticks"),
    ("ratio: 16 / 9", 8, "remark option 'ratio' is left out: it is an expression, not plain data"),
    ("highlightStyle: theme", 17, "remark option 'highlightStyle' is left out: it is a variable, not plain data"),
    ("ratio: '16x9'", 8, "remark option 'ratio' is left out: expected a ratio such as '4:3'"),
    ("ratio: '0:9'", 8, "remark option 'ratio' is left out: expected a ratio"),
    ("highlightStyle: 'monokay'", 17,
     "remark option 'highlightStyle' is left out: unknown highlight style 'monokay'; did you mean 'monokai'?"),
    ("highlightLines: 'yes'", 17, "remark option 'highlightLines' is left out: expected true or false"),
    ("countIncrementalSlides: 0", 25, "remark option 'countIncrementalSlides' is left out: expected true or false"),
    ("slideNumberFormat2: function (current, total) { return current; },", 1,
     "unknown remark option 'slideNumberFormat2' is left out; did you mean 'slideNumberFormat'?"),
    ("navigation: { scrol: false }", 15, "unknown navigation option 'scrol' is left out; did you mean 'scroll'?"),
    ("navigation: { touch: 'no' }", 22, "navigation option 'touch' is left out: expected true or false"),
    ("navigation: { scroll: isMobile }", 23,
     "navigation option 'scroll' is left out: it is a variable, not plain data"),
    ("navigation: true", 13, "remark option 'navigation' is true or false, not an object"),
    ("excludedClasses: ['draft', 3]", 28, "excludedClasses: item 2 is a number, not a class name; it is left out"),
    ("excludedClasses: 'draft'", 18, "remark option 'excludedClasses' is a string, not a list of class names"),
    ("sourceUrl: 42", 12, "sourceUrl is a number, not a file name; it is left out"),
])
def test_an_option_podium_cannot_take_is_reported_where_it_is(tmp_path, options, column, fragment) -> None:
    result = page(tmp_path, options)
    assert found(result) == [(OPTIONS_LINE, column, "remark-option")]
    assert fragment in result.problems[0].message
    assert result.problems[0].severity == "warning"


@pytest.mark.parametrize("options, left", [
    ("navigation: { scrol: false, touch: false }", {"navigation": {"touch": False}}),
    ("excludedClasses: ['draft', 3, x]", {"exclude_classes": ("draft",)}),
    ("ratio: '16x9', highlightLines: true, timer: {}", {"highlight_lines": True}),
])
def test_what_is_wrong_is_left_out_and_the_rest_kept(tmp_path, options, left) -> None:
    assert dict(page(tmp_path, options).options) == left


def test_options_after_code_are_still_read(tmp_path) -> None:
    options = ("slideNumberFormat: function (c, t) { return {a: [c, ')']}; },\n"
               "timer: { formatter: function (ms) { return ms / 1000 + 's'; } },\n"
               "ratio: '16:9'")
    result = page(tmp_path, options)
    assert dict(result.options) == {"ratio": "16:9"}
    assert found(result) == [(12, 20, "remark-option"), (13, 1, "remark-option")]  # each reported once


def test_a_javascript_syntax_problem_is_reported(tmp_path) -> None:
    result = page(tmp_path, "ratio: '16:9,\nhighlightLines: true")
    assert found(result)[0] == (12, 8, "remark-script")
    assert "not closed" in result.problems[0].message
    assert dict(result.options) == {"highlight_lines": True}


@pytest.mark.parametrize("create, options, problems", [
    ("remark.create()", {}, []),
    ("var options = {\n  ratio: '16:9'\n};\nremark.create(options)", {"ratio": "16:9"}, []),
    ("remark.create(getOptions())", {}, [(11, 15, "remark-option")]),
    ("remark.create({ratio: '16:9'});\nremark.create({ratio: '4:3'});", {"ratio": "16:9"}, [(12, 1, "remark-create")]),
    ("// remark.create({ratio: '4:3'})\nvar s = 'remark.create(';\nremark.create({ratio: '16:9'})",
     {"ratio": "16:9"}, []),
])
def test_the_first_remark_create_call_counts(tmp_path, create, options, problems) -> None:
    result = script_page(tmp_path, create)
    assert (dict(result.options), found(result)) == (options, problems)


def test_a_second_remark_create_in_another_script_is_reported(tmp_path) -> None:
    text = PAGE.format(options="ratio: '16:9'", head="", body="").replace(
        "</body>", "<script>\n  remark.create({ratio: '4:3'})\n</script>\n</body>")
    result = read(tmp_path, text)
    assert (dict(result.options), found(result)) == ({"ratio": "16:9"}, [(16, 3, "remark-create")])
    assert "second remark.create" in result.problems[0].message


def test_javascript_macros_are_reported_with_their_python_replacement(tmp_path) -> None:
    script = ("remark.macros.scale = function (percentage) {\n"
              "  var url = this; return '<img src=\"' + url + '\" style=\"width: ' + percentage + '\" />'; };\n"
              "  remark.macros['upper'] = function () { return this.toUpperCase(); };\n"
              "// remark.macros.old = function () {};\n"
              "if (remark.macros.scale == null) {}\n"
              "remark.create({})")
    result = script_page(tmp_path, script)
    assert found(result) == [(11, 1, "remark-macro"), (13, 3, "remark-macro")]
    scale, upper = (d.message for d in result.problems)
    assert "JavaScript macro 'scale' is left out" in scale and "built-in 'scale' macro already does" in scale
    assert "JavaScript macro 'upper' is left out" in upper
    assert "a Python macro can replace it: podium.plugins.macros.register('upper')" in upper
    assert result.macros == ("scale", "upper")


# ---- the page: title, styles, stylesheets, inline source --------------------------------------------

@pytest.mark.parametrize("written, source", [
    ("&amp;lt;b&amp;gt;", "&lt;b&gt;"),  # one unescape only
    ("&nbsp;&eacute;&#60;&copy;", "&nbsp;&eacute;&#60;&copy;"),  # other entities stay as written
    ("a &lt;b&gt; &quot;c&quot; &amp; d", 'a <b> "c" & d'),
    ("&amp;amp;", "&amp;"),
    ("&amp;quot;", '"'),  # remark unescapes &amp; before &quot;
    ("`<!--` starts an HTML comment, `<title>` a title", "`<!--` starts an HTML comment, `<title>` a title"),
    ("if a <b then `<a href=\"x\"` is", "if a <b then `<a href=\"x\"` is"),  # no tag in a textarea
    ("<div class=\"x\"><script>x()</script></div> <!-- not a comment -->",
     "<div class=\"x\"><script>x()</script></div> <!-- not a comment -->"),
])
def test_the_textarea_is_unescaped_as_remark_does(tmp_path, written, source) -> None:
    assert page(tmp_path, body=written).inline_source == f"\n# Slide\n{source}\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_are_those_of_the_page(tmp_path, newline) -> None:
    head = "<title>\n  Docker &amp;\n  Compose </title>\n<style>\nh1 { color: red; }\n</style>" \
           "<style media=print>p {}</style>\n" \
           "<LINK REL='icon stylesheet' HREF=a.css><link rel=\"alternate stylesheet\" href=b.css>\n" \
           "<link rel=icon href=c.png>"
    options = "\n\n  timer: {}"
    result = page(tmp_path, options, head=head, body="line 3", newline=newline)
    assert result.title == "Docker & Compose"
    assert result.styles == (("\nh1 { color: red; }\n", 6), ("p {}", 8))
    assert result.stylesheets == (("a.css", 9),)
    assert result.inline_line == 13
    lines = (tmp_path / "index.html").read_bytes().decode().split(newline)
    source = result.inline_source.split("\n")
    for number in (2, 3):  # line N of the source is line inline_line + N - 1 of the page
        assert source[number - 1] == lines[result.inline_line + number - 1 - 1] == ["# Slide", "line 3"][number - 2]
    assert found(result) == [(21, 3, "remark-option")]
    assert "\r" not in result.inline_source
    assert parse_remark_page((tmp_path / "index.html").read_bytes().decode(), "s/index.html") == result


def test_text_on_the_textarea_line_is_line_one(tmp_path) -> None:
    text = PAGE.format(options="", head="", body="").replace('<textarea id="source">\n',
                                                               '<TEXTAREA class=big ID=source rows=3>class: middle\n')
    result = read(tmp_path, text)
    assert (result.inline_line, result.inline_source.split("\n")[0]) == (6, "class: middle")


@pytest.mark.parametrize("text", [
    "<html><head><title>Not remark</title></head><body><p>remark.create({})</p></body></html>",
    "<html><body><!-- <script>remark.create({})</script> --></body></html>",
    "<html><body><script src=remark.js>remark.create({})</script></body></html>",
    "<html><body><script type='text/template'>remark.create({})</script></body></html>",
    "<html><body><script>// remark.create({})\nvar s = \"remark.create(\";</script></body></html>",
    "<html><body><textarea id=source><script>remark.create({})</script></textarea></body></html>",
])
def test_a_page_that_is_not_a_remark_page_gives_none(tmp_path, text) -> None:
    assert read(tmp_path, text) is None


def test_an_element_without_its_end_tag_runs_to_the_end_of_the_page(tmp_path) -> None:
    assert read(tmp_path, "<textarea id=source>a\n<script>remark.create({})</script>") is None  # all textarea text
    result = read(tmp_path, "<textarea id=source>a</textarea>\n<script>\nremark.create({ratio: '16:9'})")
    assert (result.inline_source, dict(result.options)) == ("a", {"ratio": "16:9"})


def test_an_odd_page_is_read(tmp_path) -> None:
    text = ("<HTML>\n<!-- <title>old</title> -->\n<BODY>\n<textarea id='notes'>no</textarea>\n"
            "<Script Type=\"text/javascript\">\nremark.create({ratio: '16:9'})\n</Script>\n"
            "<textarea id=\"source\">a\n</textarea>")
    result = read(tmp_path, text)
    assert (result.title, result.styles, result.inline_source, result.inline_line) == (None, (), "a\n", 8)
    assert dict(result.options) == {"ratio": "16:9"}


# ---- jsdata -------------------------------------------------------------------------------------------

def plain(value):
    """The value with each NotData as `<kind>`."""
    if isinstance(value, jsdata.NotData):
        return f"<{value.kind}>"
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return [plain(item) for item in value] if isinstance(value, list) else value


@pytest.mark.parametrize("text, value", [
    ("{a: {b: {c: [1, {d: 2}]}}}", {"a": {"b": {"c": [1, {"d": 2}]}}}),
    ("{a: 1, b: [1, 2,], }", {"a": 1, "b": [1, 2]}),
    ("[1,,2]", [1, None, 2]),
    ("{/* c */ a /* c */ : // c\n 1 /* c */, 'b c': 2, \"d\": 3, 4: 4, 0x10: 5, $_x: 6, default: 7}",
     {"a": 1, "b c": 2, "d": 3, "4": 4, "16": 5, "$_x": 6, "default": 7}),
    ("['a\\'b', \"\\\"\\\\\\n\\t\", '\\x41\\u0042\\u{43}\\uD83D\\uDE00', 'a\\\nb', `x\ny`, '\\q']",
     ["a'b", '"\\\n\t', "ABC\U0001F600", "ab", "x\ny", "q"]),
    ("[0x1F, 1.5e3, -3, .5, 1_000, 0b11, 0o17, 10n]", [31, 1500.0, -3, 0.5, 1000, 3, 15, 10]),
    ("[true, false, null, undefined]", [True, False, None, None]),
    ("{a: function (x) { return {b: x, c: '}'}; }, d: 1}", {"a": "<function>", "d": 1}),
    ("{a: x => ({y: x}), b: async () => 1, c: 2}", {"a": "<arrow function>", "b": "<arrow function>", "c": 2}),
    ("[/a,]b/g, /[/]/, 4 / 2 / 1, 'x']", ["<regexp>", "<regexp>", "<expression>", "x"]),
    ("[foo, foo.bar, foo(1, [2]), new Date(1, 2), `a${b, c}d`, `plain`, 1 + 2, f(1) + g(2), -x, (1, 2)]",
     ["<identifier>", "<identifier>", "<call>", "<new>", "<template>", "plain", "<expression>", "<expression>",
      "<expression>", "<expression>"]),
    ("{m() { return 1 }, get n() { return 2 }, short, o: 3}",
     {"m": "<function>", "n": "<function>", "short": "<identifier>", "o": 3}),
])
def test_jsdata_reads_plain_data_and_marks_code(text, value) -> None:
    reading = jsdata.read_value(text)
    assert (plain(reading.value), reading.end, reading.problems) == (value, len(text), ())


def test_jsdata_gives_where_each_part_is() -> None:
    text = "x = {a: 1,\n  b: [true, f()]}"
    reading = jsdata.read_value(text, 3)
    assert (reading.end, reading.keys[("a",)], reading.keys[("b",)]) == (len(text), 5, 13)
    assert (reading.starts[()], reading.starts[("b", 1)], reading.value["b"][1].offset) == (4, 23, 23)
    assert (reading.value["b"][1].text, reading.value["b"][1].what) == ("f()", "a function call")


@pytest.mark.parametrize("text, value, problems", [
    ("{a: 'x\n, b: 2}", {"a": "x", "b": 2}, [(4, "this string is not closed on its line")]),
    ("{a: 1\n b: 2}", {"a": 1, "b": 2}, [(7, "expected ',' or '}' here")]),
    ("{a: 1, a: 2}", {"a": 2}, [(7, "'a' is given twice; the last one counts")]),
    ("{a: 1, [k]: 2, ...o, c: 3}", {"a": 1, "c": 3}, [(7, "'[k]: 2' is not a plain property; it is left out"),
                                                       (15, "'...o' is not a plain property; it is left out")]),
    ("{a: [1, 2}", {"a": [1, 2]}, [(9, "expected ']' here, found '}'")]),
    ("{a: 1,", {"a": 1}, [(0, "this '{' is not closed")]),
    ("{a: }", {"a": "<missing>"}, [(4, "a value is missing here")]),
    ("['\\xZZ']", ["xZZ"], [(2, "'\\x' must be followed by hexadecimal digits")]),
])
def test_jsdata_reports_what_is_not_valid(text, value, problems) -> None:
    reading = jsdata.read_value(text)
    assert plain(reading.value) == value
    assert [(p.offset, p.message) for p in reading.problems] == problems


def test_jsdata_skips_what_is_nested_too_deeply() -> None:
    reading = jsdata.read_value("[" * 5000 + "]" * 5000 + ", 1")
    assert reading.end == 10000
    problems = [(p.offset, p.message) for p in reading.problems]
    assert problems == [(100, "nested deeper than 100 levels; the rest is skipped")]
    inner = reading.value
    for _ in range(100):
        (inner,) = inner
    assert (inner.kind, len(inner.text)) == ("expression", 9800)


@pytest.mark.parametrize("text, offset, where", [
    ("ab", 0, (1, 1)), ("ab\ncd", 4, (2, 2)), ("ab\r\ncd", 5, (2, 2)), ("a\rbc", 3, (2, 2)),
    ("a\rb\r\nc\nd", 7, (4, 1)),
])
def test_line_column(text, offset, where) -> None:
    assert jsdata.line_column(text, offset) == where


def test_code_only_blanks_comments_strings_and_regular_expressions() -> None:
    text = "a = 'x;y' // c(\nb = /re(/g; /* d\n( */ c = 4 / 2 / 1; `t${u}`"
    code = jsdata.code_only(text)
    assert len(code) == len(text) and code.split("\n")[0] == "a = '   '      "
    assert "(" not in code and "re" not in code and code.count("\n") == 2 and "c = 4 / 2 / 1" in code
