#!/usr/bin/env bash
# Uses Warden the way an outside package does (Tests/Fixtures/PluginUser, run by
# `make test`): builds it with the WardenRules build plugin and checks that the
# build shows the pack's lint finding as a warning without failing; runs the
# compiled rules; runs the `swift package lint-rules` command plugin and checks
# its output.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
package=Tests/Fixtures/PluginUser
pack="$package/Sources/LoginMonitor/Rules/logins.warden"
expected="logins.warden:12:13: warning: no test makes rule \`all_accepted\` hold [W1301]"

# A new modification time makes the build plugin's command run again, so its warnings show.
touch "$pack"
if ! build_log=$("$SWIFT" build --package-path "$package" 2>&1); then
  echo "$build_log"; echo "plugin-fixture: the fixture did not build" >&2; exit 1
fi
if ! grep -qF "$expected" <<<"$build_log"; then
  echo "$build_log"; echo "plugin-fixture: the build did not show the lint warning" >&2; exit 1
fi
echo "plugin-fixture: the build showed the lint warning and succeeded"

"$SWIFT" run --package-path "$package" LoginMonitor

if ! lint_log=$("$SWIFT" package --package-path "$package" lint-rules 2>&1); then
  echo "$lint_log"; echo "plugin-fixture: swift package lint-rules failed" >&2; exit 1
fi
echo "$lint_log" | grep -v '^\[' || true
if ! grep -qF "$expected" <<<"$lint_log" || ! grep -qF "linted 1 pack: 0 errors, 1 warning" <<<"$lint_log"; then
  echo "plugin-fixture: swift package lint-rules did not report the finding" >&2; exit 1
fi
echo "plugin-fixture: swift package lint-rules reported the finding"
