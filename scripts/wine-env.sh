# Wine for the Windows tests; source it (after lib.sh), don't run it. Headless, quiet, one private
# prefix per checkout in build-test/wine/prefix (nothing outside the checkout), 64-bit only.
#   wine_start        starts this prefix's wineserver (kept 60 s, its output not on ours: a wine run
#                     whose output is captured otherwise waits for the server to exit); first use
#                     creates the prefix (wineboot, ~10 s)
#   wine_stop         stops that wineserver (only ours: it is per prefix)
#   wine_run T EXE ARGS...   runs a Windows program under Wine with a T-second limit
WINE_ROOT="$SM_ROOT/build-test/wine"
export WINEPREFIX="$WINE_ROOT/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko install dialogs, no desktop menu entries.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY

wine_start() {
    command -v wine >/dev/null || die "wine not found: apt-get install wine wine64 (or run scripts/setup.sh)"
    mkdir -p "$WINEPREFIX"
    [ -f "$WINE_ROOT/.gitignore" ] || echo '*' > "$WINE_ROOT/.gitignore"
    # Persistent for 60 s after the last Windows process, so a test killed before wine_stop leaves
    # nothing running for long.
    wineserver -p60 </dev/null >/dev/null 2>&1 || true
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        echo "wine: creating the prefix $WINEPREFIX"
        timeout 300 wine wineboot -i </dev/null >/dev/null 2>&1 || die "wineboot failed in $WINEPREFIX"
    fi
}

wine_stop() {
    [ -d "$WINEPREFIX" ] || return 0
    wineserver -k >/dev/null 2>&1 || true
    timeout 10 wineserver -w >/dev/null 2>&1 || true
}

wine_run() {
    local t=$1; shift
    timeout "$t" wine "$@" </dev/null
}
