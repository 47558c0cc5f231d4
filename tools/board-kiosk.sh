#!/bin/sh
# Start the hallway board on the TV's computer: Chromium full screen, and sound without a click.
#
#   tools/board-kiosk.sh http://SERVER:5001/display?zone=2.%20OG
#
# --autoplay-policy=no-user-gesture-required lets the board play the chime and the spoken call
# without anyone touching the TV (nobody can click on a wall screen). --kiosk hides the browser's
# frame; a separate profile keeps the TV's settings apart from any other browser use.
# Put this in the TV computer's autostart (docs/display.md shows a systemd user unit).
set -eu
URL="${1:-http://127.0.0.1:5001/display}"
BROWSER="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || echo chromium)}"
PROFILE="${BOARD_PROFILE:-${HOME}/.config/terminpraxis-board}"
mkdir -p "$PROFILE"
exec "$BROWSER" --kiosk --autoplay-policy=no-user-gesture-required \
  --noerrdialogs --disable-session-crashed-bubble --disable-infobars --no-first-run \
  --disable-features=Translate --user-data-dir="$PROFILE" "$URL"
