# Shared helpers for the scripts in this folder; source it, don't run it.
# A "Lua name" is the interpreter's command name as Debian installs it: lua5.1, lua5.2, lua5.3, lua5.4,
# luajit. Each maps to one cargo feature and one ABI version (the lib/lua/<ver>/ directory).

SM_ROOT=${SM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
DEFAULT_LUAS="lua5.1 lua5.2 lua5.3 lua5.4 luajit"
CARGO_JOBS=${CARGO_JOBS:-2}

# Rust from rustup lives in ~/.cargo/bin, which a non-login shell may not have on PATH.
if ! command -v cargo >/dev/null 2>&1 && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
    PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
    export PATH
fi

die() { echo "error: $*" >&2; exit 1; }

# lua_feature NAME -> the cargo feature for that Lua
lua_feature() {
    case "$1" in
        lua5.1) echo lua51 ;;
        lua5.2) echo lua52 ;;
        lua5.3) echo lua53 ;;
        lua5.4) echo lua54 ;;
        luajit) echo luajit ;;
        *) return 1 ;;
    esac
}

# lua_abi NAME -> the Lua version its modules are built for (5.1 for LuaJIT)
lua_abi() {
    case "$1" in
        lua5.[1-4]) echo "${1#lua}" ;;
        luajit) echo 5.1 ;;
        *) return 1 ;;
    esac
}

# steam_api_lib TARGET_DIR PROFILE -> path of the libsteam_api.so that steamworks-sys bundled
steam_api_lib() {
    # Newest first: after a steamworks-sys upgrade the old build dir may linger.
    ls -t "$1/$2"/build/steamworks-sys-*/out/libsteam_api.so 2>/dev/null | head -n 1
}

# lua_name_of INTERPRETER [INCDIR] -> the Lua name for an interpreter path (asks the interpreter; falls
# back to the header dir's name, e.g. /usr/include/luajit-2.1 or /usr/include/lua5.4)
lua_name_of() {
    local interp=$1 incdir=${2:-} v
    if [ -n "$interp" ] && v=$("$interp" -e 'io.write(jit and "luajit" or _VERSION)' 2>/dev/null); then
        case "$v" in
            luajit) echo luajit; return ;;
            "Lua 5."[1-4]) echo "lua${v#Lua }"; return ;;
        esac
    fi
    case "$incdir" in
        *luajit*) echo luajit ;;
        *5.1*) echo lua5.1 ;;
        *5.2*) echo lua5.2 ;;
        *5.3*) echo lua5.3 ;;
        *5.4*) echo lua5.4 ;;
        *) return 1 ;;
    esac
}

# Windows x64 cross-builds (scripts/windows.sh): the Rust target and the mingw-w64 tool prefix.
WIN_TARGET=x86_64-pc-windows-gnu
WIN_CROSS=x86_64-w64-mingw32

# win_lua_dir NAME -> the folder name of a Windows build (dist/windows-x64/<it>/)
win_lua_dir() {
    case "$1" in
        luajit) echo luajit ;;
        lua5.4) echo lua54 ;;
        *) return 1 ;;
    esac
}
