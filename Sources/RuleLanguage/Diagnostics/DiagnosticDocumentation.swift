/// What the front end says about one of its codes: the source of its registry entry.
struct DiagnosticDocumentation: Sendable {
    /// A one-line summary.
    let title: String
    /// A longer explanation in Markdown: when the code is reported and how to fix it.
    let explanation: String
    /// A whole pack that reports the code (a test checks it does); `nil` for the byte-level
    /// problems a text example cannot hold (invalid UTF-8, a lone carriage return, NUL bytes),
    /// which have tests of their own.
    let example: String?

    init(_ title: String, _ explanation: String, example: String?) {
        self.title = title
        self.explanation = explanation
        self.example = example
    }
}

extension DiagnosticCode {
    /// A front-end code's documentation; `nil` for a code the front end does not report
    /// (a test checks that every code of ``frontEnd`` has it).
    var frontEndDocumentation: DiagnosticDocumentation? {
        switch self {
        case .unexpectedCharacter:
            DiagnosticDocumentation("unexpected character", """
                The lexer met a character that cannot start any token, such as `$` or `#`.
                Identifiers are ASCII letters, digits and `_`; strings are written in double
                quotes and regexes between slashes.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    let cost = $5
                    count(window) > cost
                }
                """)
        case .unterminatedString:
            DiagnosticDocumentation("unterminated string literal", """
                A string literal must close with `"` on the same line. Write a newline as `\\n`.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line contains "FATAL
                }
                """)
        case .invalidEscape:
            DiagnosticDocumentation("invalid escape sequence", """
                Strings understand `\\\\`, `\\"`, `\\n`, `\\r`, `\\t`, `\\0` and `\\u{HEX}` (a Unicode
                scalar of 1 to 8 hex digits). Any other backslash sequence is an error.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line contains "C:\\qux"
                }
                """)
        case .unterminatedRegex:
            DiagnosticDocumentation("unterminated regex literal", """
                A regex literal runs from `/` to the next unescaped `/` on the same line,
                followed by optional flags. Escape a slash inside the pattern as `\\/`.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line matches /HTTP\\/1.1 5\\d\\d
                }
                """)
        case .invalidUTF8:
            DiagnosticDocumentation("invalid UTF-8", """
                Rule packs are UTF-8 text. A byte sequence that is not valid UTF-8 is reported
                once per run of bad bytes; inside a string, write such text with `\\u{...}` escapes.
                """, example: nil)
        case .invalidNumber:
            DiagnosticDocumentation("invalid number literal", """
                Integers are decimal digits, floats are digits with one `.` and digits after it,
                and durations are an integer followed by `ms`, `s`, `m`, `h` or `d`. A literal
                too large for a 64-bit integer, or with an unknown suffix, is an error.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    count(window) > 10k
                }
                """)
        case .invalidRegexFlag:
            DiagnosticDocumentation("invalid regex flag", """
                A regex literal may be followed by the flags `i` (case-insensitive), `m`
                (multiline anchors), `s` (dot matches newline) and `x` (extended), each at most once.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line matches /error/g
                }
                """)
        case .loneCarriageReturn:
            DiagnosticDocumentation("lone carriage return", """
                Lines end with LF or CRLF. A carriage return that no line feed follows (the
                line ending of classic Mac OS files) is an error: read as a plain character it
                would let a `//` comment run on over the lines after it and hide their rules.
                The first lone CR is reported with the number of them; save the file with LF
                line endings.
                """, example: nil)
        case .notText:
            DiagnosticDocumentation("not a rule pack", """
                The file holds NUL bytes: it is binary, not a rule pack, so it is not lexed
                at all (a binary file would give one error per stray byte). The message names
                the kind of file when Warden knows it: a FAME model, a gzip file, an executable.
                """, example: nil)
        case .expectedToken:
            DiagnosticDocumentation("expected a token", """
                The parser expected a particular token here (a brace, a parenthesis, a keyword).
                The message names it; a fix-it inserts it when that is unambiguous.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window line contains "x"
                }
                """)
        case .expectedExpression:
            DiagnosticDocumentation("expected an expression", """
                An expression was expected: a literal, a name, a call, a quantifier such as
                `any line in window: ...`, or a parenthesised expression.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    count(window) >
                }
                """)
        case .expectedPackHeader:
            DiagnosticDocumentation("expected a pack header", """
                A pack starts with `pack NAME version "X.Y.Z"`, optionally followed by
                `description "..."`, before any rule or test.
                """, example: """
                abnormal rule r {
                    count(window) > 10
                }
                """)
        case .missingCondition:
            DiagnosticDocumentation("rule has no condition", """
                A rule body is zero or more `let` bindings followed by exactly one Boolean
                condition. A body with only bindings has nothing to decide with.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    let n = 3
                }
                """)
        case .nestingTooDeep:
            DiagnosticDocumentation("expression nested too deeply", """
                Expressions may nest at most 128 levels; each parenthesis, call, list,
                quantifier and each operator of a chain such as `a + b + c` counts as one.
                A chain of `and` or of `or` is not nesting, however long: `a or b or c`
                counts as one level. Deeper nesting is almost always generated by mistake;
                bind parts of the expression with `let`.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((true))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
                }
                """)
        case .unexpectedItem:
            DiagnosticDocumentation("unexpected item at top level", """
                After the pack header, a pack holds only rules (`normal rule`, `abnormal rule`,
                with optional `///` doc comments and `@` attributes) and tests (`test "name" ...`).
                """, example: """
                pack demo version "1.0.0"

                let limit = 3

                abnormal rule r {
                    count(window) > limit
                }
                """)
        case .extraCondition:
            DiagnosticDocumentation("rule has more than one condition", """
                A rule ends with exactly one Boolean condition. Combine several with `and` or
                `or`, or bind intermediate values with `let`.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line contains "a"
                    any line in window: line contains "b"
                }
                """)
        case .typeMismatch:
            DiagnosticDocumentation("mismatched types", """
                An expression has a different type from the one required here. The message
                names the expected and the actual type. Warden has no implicit conversions
                except `Int` to `Float` in arithmetic and comparisons; convert with `float(x)`
                or `int(s)`.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line contains 42
                }
                """)
        case .conditionNotBool:
            DiagnosticDocumentation("condition is not a Bool", """
                A rule's condition, a quantifier's predicate and the operands of `and`, `or`
                and `not` must be `Bool`.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    count(window)
                }
                """)
        case .incomparableTypes:
            DiagnosticDocumentation("cannot compare these types", """
                `==` and `!=` compare two values of the same type (Int and Float mix);
                `<`, `<=`, `>`, `>=` compare numbers, durations and strings.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    count(window) >= "10"
                }
                """)
        case .invalidOperand:
            DiagnosticDocumentation("operator cannot be applied to this type", """
                Arithmetic needs numbers (or durations for `+` and `-`); text operators
                (`contains`, `startswith`, `endswith`, `matches`) need a `Line` or `String`
                on the left; `in` needs a list on the right.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    count(window) + "1" > 0
                }
                """)
        case .wrongArgumentCount:
            DiagnosticDocumentation("wrong number of arguments", """
                A builtin was called with too few or too many arguments. `warden explain`
                and the language reference list every builtin's signature.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    count(window, window) > 1
                }
                """)
        case .unknownArgumentLabel:
            DiagnosticDocumentation("unknown argument label", """
                Only some parameters take labels, e.g. `numbers(window, /took (\\d+)ms/, group: 1)`.
                A label the builtin does not define is an error.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    sum(numbers(window, /took (\\d+)ms/, grp: 1)) > 5.0
                }
                """)
        case .noSuchCaptureGroup:
            DiagnosticDocumentation("capture group does not exist", """
                The checker knows how many capture groups each regex has and their names.
                Asking for group 3 of a two-group regex, or for a name it does not define,
                is an error.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    sum(numbers(window, /took (\\d+)ms/, group: 2)) > 5.0
                }
                """)
        case .regexNotStatic:
            DiagnosticDocumentation("regex must be known at check time", """
                Arguments that select capture groups need a regex literal or a `let` bound to
                one, so the checker can verify the group.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    sum(numbers(window, first p in [/took (\\d+)ms/] where true)) > 5.0
                }
                """)
        case .mixedListElements:
            DiagnosticDocumentation("list elements have different types", """
                Every element of a list literal has the same type (`Int` and `Float` elements
                make a `List<Float>`). An empty list `[]` needs a context that gives its type.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line.text in ["a", 1]
                }
                """)
        case .noSuchMember:
            DiagnosticDocumentation("no such member", """
                Members exist only on `Line`: `text` (String), `index` (Int, 0-based position
                in the window), `number` (Int, 1-based line number in the input) and
                `timestamp` (Duration since the Unix epoch, `0s` when unknown).
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line.txt contains "x"
                }
                """)
        case .unknownName:
            DiagnosticDocumentation("unknown name", """
                A name must be a `let` binding of the same rule, a quantifier's variable in
                scope, or `window`. The message suggests the closest known name.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    count(windows) > 3
                }
                """)
        case .unknownFunction:
            DiagnosticDocumentation("unknown function", """
                Only the builtins listed in the language reference can be called; there are no
                user-defined functions. The message suggests the closest builtin.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    cnt(window) > 3
                }
                """)
        case .duplicateRule:
            DiagnosticDocumentation("duplicate rule name", """
                Rule names are unique within a pack: they identify rules in verdicts, evidence
                and generated code.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    count(window) > 10
                }

                abnormal rule r {
                    count(window) > 20
                }
                """)
        case .duplicateBinding:
            DiagnosticDocumentation("duplicate binding", """
                A `let` name is bound once per rule, and a quantifier variable may not reuse a
                name already in scope.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    let n = 1
                    let n = 2
                    count(window) > n
                }
                """)
        case .unusedBinding:
            DiagnosticDocumentation("unused binding", """
                A `let` binding that the condition never uses is dead weight and often a sign
                of a mistake. Use it, or remove it (a fix-it does).
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    let n = 1
                    count(window) > 0
                }
                """)
        case .invalidRegex:
            DiagnosticDocumentation("invalid regular expression", """
                Regex literals are PCRE2 patterns compiled when the pack is checked. The caret
                points at the character where PCRE2 stopped, and the message is PCRE2's.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line matches /(kernel panic/
                }
                """)
        case .unknownAttribute:
            DiagnosticDocumentation("unknown attribute", """
                Rules take `@severity(info|low|medium|high|critical)`, `@domain("name")`,
                `@tags("a", "b", ...)` and `@provenance(backend: "...", model: "...", epoch: N,
                coverage: F)`.
                """, example: """
                pack demo version "1.0.0"

                @severty(high)
                abnormal rule r {
                    count(window) > 10
                }
                """)
        case .invalidAttributeArgument:
            DiagnosticDocumentation("invalid attribute argument", """
                An attribute's arguments do not have the expected form, e.g. a severity that is
                not one of `info`, `low`, `medium`, `high`, `critical`, or a coverage outside 0...1.
                """, example: """
                pack demo version "1.0.0"

                @severity(urgent)
                abnormal rule r {
                    count(window) > 10
                }
                """)
        case .duplicateAttribute:
            DiagnosticDocumentation("duplicate attribute", """
                Each attribute may appear at most once on a rule.
                """, example: """
                pack demo version "1.0.0"

                @severity(high)
                @severity(low)
                abnormal rule r {
                    count(window) > 10
                }
                """)
        case .invalidVersion:
            DiagnosticDocumentation("invalid pack version", """
                A pack version is a semantic version `MAJOR.MINOR.PATCH` with an optional
                `-prerelease` suffix, e.g. `"1.4.0"` or `"2.0.0-rc.1"`.
                """, example: """
                pack demo version "1.0"

                abnormal rule r {
                    count(window) > 10
                }
                """)
        case .emptyTest:
            DiagnosticDocumentation("test has no lines", """
                A test is a window of at least one line written as string literals between braces.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    count(window) > 10
                }

                test "nothing" expect normal {
                }
                """)
        case .evidenceOutOfRange:
            DiagnosticDocumentation("evidence line out of range", """
                `evidence [..]` lists 1-based positions of lines in the test's window; each must
                be between 1 and the number of lines.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line contains "FATAL"
                }

                test "one line" expect abnormal evidence [2] {
                    "FATAL: disk"
                }
                """)
        case .duplicateTest:
            DiagnosticDocumentation("duplicate test name", """
                Test names are unique within a pack so failures can be reported unambiguously.
                """, example: """
                pack demo version "1.0.0"

                abnormal rule r {
                    any line in window: line contains "FATAL"
                }

                test "fatal" expect abnormal {
                    "FATAL: disk"
                }

                test "fatal" expect normal {
                    "ok"
                }
                """)
        case .noRules:
            DiagnosticDocumentation("pack has no rules", """
                A pack without rules decides nothing; every window is left to the fallback.
                """, example: """
                pack demo version "1.0.0"

                test "quiet" expect undecided {
                    "ok"
                }
                """)
        default:
            nil
        }
    }
}
