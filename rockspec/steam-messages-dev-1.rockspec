-- Builds the native module with cargo for the Lua that luarocks runs for, and installs
-- steam_messages.so with libsteam_api.so beside it (the module's RUNPATH is $ORIGIN).
--   luarocks make rockspec/steam-messages-dev-1.rockspec                 (system tree)
--   luarocks make --local rockspec/steam-messages-dev-1.rockspec         (~/.luarocks)
--   luarocks --lua-version 5.4 make --tree DIR rockspec/steam-messages-dev-1.rockspec
-- For LuaJIT, point luarocks at it (see README, "Install with luarocks"):
--   luarocks --lua-version 5.1 make rockspec/steam-messages-dev-1.rockspec \
--       LUA=/usr/bin/luajit LUA_INCDIR=/usr/include/luajit-2.1
-- A source rock to install elsewhere: scripts/rock-pack.sh (luarocks pack of this rockspec with the
-- checkout as its source) writes dist/steam-messages-dev-1.src.rock; `luarocks install` that file.
-- Needs Rust (cargo >= 1.88). Run from the checkout's top directory.
rockspec_format = "3.0"
package = "steam-messages"
version = "dev-1"

source = {
   -- `luarocks make` builds the checkout it is run in; this URL is only read by `luarocks build`.
   url = "git+file://.",
}

description = {
   summary = "Steam's ISteamNetworkingMessages for Lua and LÖVE, with an offline backend",
   detailed = [[
      A native module (Rust, mlua) exposing Steam.NetworkingMessages the way luasteam does, plus an
      offline UDP backend so games can be developed and tested without Steam.
   ]],
   license = "MIT",
}

dependencies = {
   "lua >= 5.1",
}

build = {
   type = "command",
   -- scripts/rock-build.sh asks the interpreter luarocks runs for what it is (falling back to its
   -- header dir), picks the cargo feature (lua51, lua52, lua53, lua54, luajit), builds in release
   -- into target/<lua>/ and stages the two libraries in build/rock/<lua>/.
   build_command = [[bash scripts/rock-build.sh build "$(LUA)" "$(LUA_INCDIR)"]],
   -- Copies the staged libraries into the rock's lib dir and any pure-Lua files under lua/ into its
   -- Lua dir; luarocks deploys both into <tree>/lib/lua/<ver>/ and <tree>/share/lua/<ver>/.
   install_command = [[bash scripts/rock-build.sh install "$(LUA)" "$(LUA_INCDIR)" "$(LIBDIR)" "$(LUADIR)"]],
   -- The LuaLS annotations (types/steam_messages.lua) go to the rock's own directory:
   -- `luarocks show --rock-dir steam-messages`/types, for an editor's workspace.library.
   copy_directories = { "types" },
}
