//! Plain `lua_CFunction`s for the calls a game makes for every message: `SendMessageToUser`,
//! `ReceiveMessagesOnChannel`, a message's fields and `Release`. There, mlua's callback frame and
//! the Lua wrapper of `edge.rs` cost more than the work itself (a profile of 20 000 sends put
//! ≈ 1 000 of ≈ 3 400 instructions per send in them). A raw call reads its arguments straight
//! off the stack; a call it does not take as it stands goes to the checked mlua function behind
//! it (upvalue `CHECKED`), so every mistake is still found and worded in one place. Errors are
//! raised as the plain strings `wrap.lua` raises, with the caller's position in front.
//!
//! Rules that keep a raised error from skipping Rust destructors: a body runs its Rust work
//! inside `guarded` (panics caught there), pushes its results, and returns a `Done`; only the
//! `extern` entry point, which holds no Rust values, calls `lua_error`. The Lua calls a body
//! makes that could raise (a checked call, a string or userdata pushed when memory runs out)
//! hold nothing but plain data; at worst a message in flight leaks when Lua is out of memory.

use super::edge::{self, Fail, Ret};
use mlua::{ffi, Function, IntoLuaMulti, Lua};
use std::ffi::{c_int, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Upvalue 1 of every raw closure: its Rust state (a userdata holding `Option<T>`).
const STATE: c_int = ffi::lua_upvalueindex(1);
/// Upvalue 2: the checked mlua function calls go to when the raw path does not take them.
const CHECKED: c_int = ffi::lua_upvalueindex(2);
/// Upvalue 3: the sentinel the checked function returns in front of an error message.
const SENTINEL: c_int = ffi::lua_upvalueindex(3);

/// Upvalue `i` (from 1) of the values a closure was built with after its state, function and
/// sentinel.
pub const fn extra(i: c_int) -> c_int {
    ffi::lua_upvalueindex(3 + i)
}

/// What a body leaves for its entry point.
pub enum Done {
    /// This many results are on top of the stack.
    Values(c_int),
    /// The error message is on top of the stack.
    Raise,
}

/// The end of every entry point: return the results, or raise the message.
///
/// # Safety
/// `state` is the running call's; nothing with a destructor may be live in the caller.
pub unsafe fn finish(state: *mut ffi::lua_State, done: Done) -> c_int {
    match done {
        Done::Values(n) => n,
        Done::Raise => ffi::lua_error(state),
    }
}

/// A C closure of `f` over `value` (dropped by the userdata's `__gc`), the `checked` function,
/// the sentinel and `extra` (read with `extra(1)`, ...).
pub fn closure<T: 'static>(
    lua: &Lua,
    f: ffi::lua_CFunction,
    value: T,
    checked: Option<Function>,
    extra: impl IntoLuaMulti,
) -> mlua::Result<Function> {
    // Lua aligns a userdata block for any C type, so at least to 8 bytes.
    const { assert!(std::mem::align_of::<Option<T>>() <= 8) };
    let sentinel = edge::sentinel(lua)?;
    let mut value = Some(value);
    // SAFETY: the stack holds the arguments pushed by `exec_raw`; the closure leaves one value.
    unsafe {
        lua.exec_raw((checked, sentinel, extra), |state| {
            let n = ffi::lua_gettop(state);
            let block = ffi::lua_newuserdata(state, std::mem::size_of::<Option<T>>());
            (block as *mut Option<T>).write(value.take());
            ffi::lua_createtable(state, 0, 1);
            ffi::lua_pushcfunction(state, drop_state::<T>);
            ffi::lua_setfield(state, -2, c"__gc".as_ptr());
            ffi::lua_setmetatable(state, -2);
            ffi::lua_insert(state, 1);
            ffi::lua_pushcclosure(state, f, n + 1);
        })
    }
}

/// `__gc` of a closure's state. Idempotent: the debug library can reach the userdata and call
/// it again.
unsafe extern "C-unwind" fn drop_state<T>(state: *mut ffi::lua_State) -> c_int {
    let block = ffi::lua_touserdata(state, 1) as *mut Option<T>;
    if !block.is_null() {
        let taken = (*block).take();
        let _ = catch_unwind(AssertUnwindSafe(move || drop(taken)));
    }
    0
}

/// The running closure's state; `None` once it was dropped.
///
/// # Safety
/// Only inside a closure made by `closure::<T>`.
pub unsafe fn state<'a, T>(state: *mut ffi::lua_State) -> Option<&'a T> {
    let block = ffi::lua_touserdata(state, STATE) as *const Option<T>;
    if block.is_null() {
        return None;
    }
    (*block).as_ref()
}

/// Runs `f` (Rust work only: no Lua call that can raise); a `Fail` or a panic leaves its
/// message on the stack, worded as `edge.rs` words them.
///
/// # Safety
/// `state` is the running call's.
pub unsafe fn guarded<R>(
    state: *mut ffi::lua_State,
    name: &str,
    f: impl FnOnce() -> Ret<R>,
) -> Result<R, ()> {
    let (message, at_caller) = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(r)) => return Ok(r),
        Ok(Err(Fail(message, position))) => (message, position == edge::Position::Caller),
        Err(panic) => (edge::panic_message(name, panic.as_ref()), true),
    };
    push_error(state, &message, at_caller);
    Err(())
}

/// Pushes `message`, after the caller's position when `at_caller` (as `error(message, 2)` in
/// the caller's callee does).
///
/// # Safety
/// `state` is the running call's.
pub unsafe fn push_error(state: *mut ffi::lua_State, message: &str, at_caller: bool) {
    if at_caller {
        ffi::luaL_where(state, 1);
    } else {
        ffi::lua_pushstring(state, c"".as_ptr());
    }
    ffi::lua_pushlstring(state, message.as_ptr() as *const _, message.len());
    ffi::lua_concat(state, 2);
}

/// Hands the whole call to the checked function and returns its first `nret` values, or
/// raises its error as the Lua wrapper would.
///
/// # Safety
/// `state` is the running call's, in a closure made by `closure` with a checked function.
pub unsafe fn checked(state: *mut ffi::lua_State, nret: c_int) -> Done {
    let nargs = ffi::lua_gettop(state);
    ffi::lua_pushvalue(state, CHECKED);
    ffi::lua_insert(state, 1);
    ffi::lua_call(state, nargs, ffi::LUA_MULTRET);
    if ffi::lua_gettop(state) >= 1 && ffi::lua_rawequal(state, 1, SENTINEL) != 0 {
        let as_is = ffi::lua_toboolean(state, 3) != 0;
        ffi::lua_settop(state, 2);
        if !as_is {
            ffi::luaL_where(state, 1);
            ffi::lua_insert(state, -2);
            ffi::lua_concat(state, 2);
        }
        return Done::Raise;
    }
    ffi::lua_settop(state, nret);
    Done::Values(nret)
}

/// A number argument with an exact integer value; `None` for anything else, strings included,
/// which the checked path coerces by Lua's rules.
///
/// # Safety
/// `state` is the running call's.
pub unsafe fn exact_integer(state: *mut ffi::lua_State, idx: c_int) -> Option<i64> {
    if ffi::lua_type(state, idx) != ffi::LUA_TNUMBER {
        return None;
    }
    let mut ok = 0;
    let n = ffi::lua_tointegerx(state, idx, &mut ok);
    (ok != 0).then_some(n as i64)
}

/// The bytes of the string at `idx`, if it is one (a number is not: the checked path converts
/// it as `luaL_checklstring` does).
///
/// # Safety
/// The slice lives as long as the string stays on the stack.
pub unsafe fn string_at<'a>(state: *mut ffi::lua_State, idx: c_int) -> Option<&'a [u8]> {
    if ffi::lua_type(state, idx) != ffi::LUA_TSTRING {
        return None;
    }
    let mut len = 0usize;
    let data = ffi::lua_tolstring(state, idx, &mut len) as *const u8;
    (!data.is_null()).then(|| std::slice::from_raw_parts(data, len))
}

/// `type_name` of `edge.rs` for a stack slot: a userdata by its `__name`.
///
/// # Safety
/// `state` is the running call's.
pub unsafe fn type_name(state: *mut ffi::lua_State, idx: c_int) -> String {
    let t = ffi::lua_type(state, idx);
    if t == ffi::LUA_TNONE {
        return "no value".to_owned();
    }
    if t == ffi::LUA_TUSERDATA && ffi::lua_getmetatable(state, idx) != 0 {
        ffi::lua_pushstring(state, c"__name".as_ptr());
        ffi::lua_rawget(state, -2);
        let name = string_at(state, -1).map(|b| String::from_utf8_lossy(b).into_owned());
        ffi::lua_settop(state, -3);
        if let Some(name) = name {
            return name;
        }
    }
    let name = ffi::lua_typename(state, t);
    if name.is_null() {
        return "userdata".to_owned();
    }
    CStr::from_ptr(name).to_string_lossy().into_owned()
}
