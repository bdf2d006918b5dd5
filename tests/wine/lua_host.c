/* A minimal Windows Lua 5.4 interpreter for the Wine tests (Lua's own lua.c is not in the lua-src
 * crate): `lua54.exe script.lua args...` or `lua54.exe -e chunk`. `arg` is set as lua.c sets it, errors
 * go to stderr with a traceback and exit 1, and a global sleep(seconds) is there because plain Lua
 * has none (the LuaJIT tests use ffi for the same). */
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

static int host_sleep(lua_State *L)
{
    lua_Number s = luaL_checknumber(L, 1);
    Sleep(s > 0 ? (DWORD)(s * 1000.0 + 0.5) : 0);
    return 0;
}

static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
    return 1;
}

int main(int argc, char **argv)
{
    int script = 1, status, i;
    lua_State *L = luaL_newstate();
    if (L == NULL) return 1;
    luaL_openlibs(L);
    lua_register(L, "sleep", host_sleep);
    if (argc < 2) {
        fprintf(stderr, "usage: %s script.lua [args] | -e chunk\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "-e") == 0) {
        if (argc < 3) return 2;
        script = 2;
    }
    lua_createtable(L, argc, 1);
    for (i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
    lua_pushcfunction(L, traceback);
    if (script == 2) status = luaL_loadbuffer(L, argv[2], strlen(argv[2]), "=(command line)");
    else status = luaL_loadfile(L, argv[1]);
    if (status == LUA_OK) {
        for (i = script + 1; i < argc; i++) lua_pushstring(L, argv[i]);
        status = lua_pcall(L, argc - script - 1, 0, 1);
    }
    if (status != LUA_OK) {
        fprintf(stderr, "%s: %s\n", argv[0], lua_tostring(L, -1));
        fflush(stderr);
        lua_close(L);
        return 1;
    }
    lua_close(L);
    return 0;
}
