# Targets are thin: the logic lives in scripts/ (see scripts/README.md).
#   make build [LUA=lua5.4]   release build for one Lua -> build/<lua>/steam_messages.so + libsteam_api.so
#   make all [LUAS=...]       the same for every Lua in LUAS
#   make test-build           test-hooks builds for LUAS -> build-test/<lua>/
#   make test                 every test (cargo test, busted per Lua, tests/e2e); last line "N passed, N failed"
#   make demo [LUA=lua5.4]    build, then run examples/demo.sh: two peers on the offline backend
#   make love-demo            build for LuaJIT, then open the LÖVE example twice (host and join)
#   make rock-smoke           luarocks make into temporary trees for LUAS, require from each
#   make check                readelf checks of build/<LUA>/steam_messages.so
#   make bench [LUA=lua5.4]   build, then bench/run.sh: module vs LÖVE's enet vs raw UDP, one table
#   make windows              cross-build for Windows x64 -> dist/windows-x64/{luajit,lua54}/ (+ steam_api64.dll)
#   make dist                 release zips, one per platform and Lua -> dist/steam_messages-<ver>-<platform>-<lua>.zip
#   make clean / distclean    remove build/ and build-test/ / and cargo's target/ too
LUA ?= lua5.4
LUAS ?= lua5.1 lua5.2 lua5.3 lua5.4 luajit
export LUAS

.PHONY: build all test-build test demo bench rock-smoke check windows dist clean distclean

build:
	scripts/build.sh $(LUA)

all:
	scripts/build.sh $(LUAS)

test-build:
	scripts/build.sh --test-hooks $(LUAS)

test:
	scripts/test-all.sh

demo:
	scripts/demo.sh $(LUA)

love-demo:
	scripts/love-demo.sh

bench: build
	LUA=$(LUA) bench/run.sh

rock-smoke:
	scripts/rock-smoke.sh $(LUAS)

check:
	scripts/check-module.sh build/$(LUA)/steam_messages.so

windows:
	scripts/windows.sh

dist:
	scripts/dist.sh

clean:
	rm -rf build build-test dist

distclean: clean
	rm -rf target
