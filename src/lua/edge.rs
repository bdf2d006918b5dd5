//! The Lua edge: argument checking and error conversion.
//!
//! mlua raises a Rust error as a userdata with a traceback in its text; luasteam code expects
//! the plain string a C module raises (`file.lua:12: bad argument #2 to 'X' (string expected,
//! got nil)`). So every exported function is a Rust function that returns a sentinel and a
//! message on a mistake, wrapped by a small Lua function (`wrap.lua`) that raises the message
//! with the caller's position. Panics are caught here too and never cross into Lua.

use mlua::state::RawLua;
use mlua::{ffi, Function, IntoLuaMulti, Lua, MultiValue, Table, Value};
use std::ffi::c_int;
use std::fmt::Display;
use std::panic::{catch_unwind, AssertUnwindSafe};

const SENTINEL_KEY: &str = "steam_messages.err";
const FACTORIES_KEY: &str = "steam_messages.wrap";

/// A programming mistake, reported to Lua as a plain error string.
#[derive(Debug)]
pub struct Fail(pub String, pub Position);

/// Whether the wrapper puts the caller's position in front of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Caller,
    /// The message already says where it came from (an error raised inside a hook).
    AsIs,
}

impl Fail {
    pub fn new(message: impl Into<String>) -> Fail {
        Fail(message.into(), Position::Caller)
    }
}

impl From<mlua::Error> for Fail {
    fn from(e: mlua::Error) -> Self {
        // Only Lua's own failures (memory, a string conversion) reach here; keep the first line.
        let text = e.to_string();
        Fail::new(text.lines().next().unwrap_or("error"))
    }
}

pub type Ret<T> = Result<T, Fail>;

/// How many values a wrapped function returns (see `wrap.lua`).
#[derive(Clone, Copy)]
pub enum Arity {
    Zero,
    One,
    Two,
    Three,
    /// Up to three, trailing nils dropped.
    Var,
}

/// A panic is already turned into a Lua error naming the function; the default hook would also
/// print a backtrace into the game's console. This module has its own copy of std, so the hook
/// changes nothing for the host process or other Rust modules.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            eprintln!("steam_messages: internal error{at} (reported to Lua as an error)");
        }));
    });
}

/// Sets up the sentinel and wrapper factories; once per Lua state, before any export.
pub fn install(lua: &Lua) -> mlua::Result<()> {
    quiet_panics();
    if lua.named_registry_value::<Value>(FACTORIES_KEY)?.is_table() {
        return Ok(());
    }
    let sentinel = lua.create_table()?;
    let factories: Table = lua
        .load(include_str!("wrap.lua"))
        .set_name("=steam_messages")
        .call(sentinel.clone())?;
    lua.set_named_registry_value(SENTINEL_KEY, sentinel)?;
    lua.set_named_registry_value(FACTORIES_KEY, factories)?;
    Ok(())
}

fn factory(lua: &Lua, key: Value) -> mlua::Result<Function> {
    let factories: Table = lua.named_registry_value(FACTORIES_KEY)?;
    factories.get(key)
}

/// What a wrapped function hands back: its values, or the sentinel, a message and whether the
/// message goes out as it is. Pushed straight onto the stack: collecting the values into a
/// `MultiValue` first cost an allocation per call.
pub enum Outcome<R> {
    Values(R),
    Failed(Table, String, bool),
}

impl<R: IntoLuaMulti> IntoLuaMulti for Outcome<R> {
    fn into_lua_multi(self, lua: &Lua) -> mlua::Result<MultiValue> {
        match self {
            Outcome::Values(values) => values.into_lua_multi(lua),
            Outcome::Failed(sentinel, message, as_is) => {
                (sentinel, message, as_is).into_lua_multi(lua)
            }
        }
    }

    unsafe fn push_into_stack_multi(self, lua: &RawLua) -> mlua::Result<c_int> {
        match self {
            Outcome::Values(values) => values.push_into_stack_multi(lua),
            Outcome::Failed(sentinel, message, as_is) => {
                (sentinel, message, as_is).push_into_stack_multi(lua)
            }
        }
    }
}

/// Runs `f`, turning a `Fail` or a panic into the sentinel and a message.
fn guarded<R: IntoLuaMulti>(
    lua: &Lua,
    name: &str,
    f: impl FnOnce() -> Ret<R>,
) -> mlua::Result<Outcome<R>> {
    let outcome = catch_unwind(AssertUnwindSafe(f));
    let (message, position) = match outcome {
        Ok(Ok(values)) => return Ok(Outcome::Values(values)),
        Ok(Err(Fail(message, position))) => (message, position),
        Err(panic) => (panic_message(name, panic.as_ref()), Position::Caller),
    };
    Ok(Outcome::Failed(
        sentinel(lua)?,
        message,
        position == Position::AsIs,
    ))
}

/// How a panic caught in `name` reads as a Lua error.
pub fn panic_message(name: &str, panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("internal error in '{name}': {what}")
}

/// The value a checked function returns in front of an error message.
pub fn sentinel(lua: &Lua) -> mlua::Result<Table> {
    lua.named_registry_value(SENTINEL_KEY)
}

/// An exported function: `f` checks its arguments through `Args` and returns its values.
pub fn export<R, F>(lua: &Lua, name: &'static str, arity: Arity, f: F) -> mlua::Result<Function>
where
    R: IntoLuaMulti,
    F: Fn(&Lua, &Args) -> Ret<R> + 'static,
{
    export_as(lua, name, arity, false, f)
}

/// A method called with `:`: argument numbers in messages skip `self`, as `luaL_argerror` does.
pub fn export_method<R, F>(
    lua: &Lua,
    name: &'static str,
    arity: Arity,
    f: F,
) -> mlua::Result<Function>
where
    R: IntoLuaMulti,
    F: Fn(&Lua, &Args) -> Ret<R> + 'static,
{
    export_as(lua, name, arity, true, f)
}

fn export_as<R, F>(
    lua: &Lua,
    name: &'static str,
    arity: Arity,
    method: bool,
    f: F,
) -> mlua::Result<Function>
where
    R: IntoLuaMulti,
    F: Fn(&Lua, &Args) -> Ret<R> + 'static,
{
    wrap(lua, arity, checked(lua, name, method, f)?)
}

/// The Rust side of an exported function, before its Lua wrapper: it returns its values, or
/// the sentinel and a message. `raw.rs` calls it for what its fast paths do not take.
pub fn checked<R, F>(lua: &Lua, name: &'static str, method: bool, f: F) -> mlua::Result<Function>
where
    R: IntoLuaMulti,
    F: Fn(&Lua, &Args) -> Ret<R> + 'static,
{
    lua.create_function(move |lua, values: MultiValue| {
        let args = Args {
            lua: lua.clone(),
            name,
            method,
            values,
        };
        guarded(lua, name, || f(lua, &args))
    })
}

/// The Lua wrapper for `raw` that raises its sentinel errors (see `wrap.lua`).
fn wrap(lua: &Lua, arity: Arity, raw: Function) -> mlua::Result<Function> {
    let key = match arity {
        Arity::Zero => Value::Integer(0),
        Arity::One => Value::Integer(1),
        Arity::Two => Value::Integer(2),
        Arity::Three => Value::Integer(3),
        Arity::Var => Value::String(lua.create_string("v")?),
    };
    factory(lua, key)?.call(raw)
}

/// A userdata `__index`: `methods` first, then `getter(self, key)` for fields.
pub fn index<F>(lua: &Lua, name: &'static str, methods: Table, getter: F) -> mlua::Result<Function>
where
    F: Fn(&Lua, &Args) -> Ret<Value> + 'static,
{
    index_with(lua, methods, checked(lua, name, false, getter)?)
}

fn index_with(lua: &Lua, methods: Table, raw: Function) -> mlua::Result<Function> {
    let make: Function = factory(lua, Value::String(lua.create_string("index")?))?;
    make.call((methods, raw))
}

/// The arguments of one call, with checks that word their errors as `luaL_check*` does.
pub struct Args {
    /// For `luaL_checklstring`'s number-to-string conversion, which differs between Luas.
    lua: Lua,
    name: &'static str,
    method: bool,
    /// Kept as mlua hands them over: collecting them into a `Vec` cost an allocation per call.
    values: MultiValue,
}

/// Numbers above this lost precision in a double before they reached us.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

impl Args {
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn lua(&self) -> &Lua {
        &self.lua
    }

    /// Argument `i` (1-based, counting `self` for methods).
    pub fn get(&self, i: usize) -> &Value {
        self.values.get(i - 1).unwrap_or(&Value::Nil)
    }

    pub fn is_none(&self, i: usize) -> bool {
        i > self.values.len()
    }

    pub fn is_nil(&self, i: usize) -> bool {
        matches!(self.get(i), Value::Nil)
    }

    /// `bad argument #n to 'name' (msg)`, numbering as the caller sees it.
    pub fn bad(&self, i: usize, msg: impl Display) -> Fail {
        if self.method {
            if i == 1 {
                return Fail::new(format!("calling '{}' on bad self ({msg})", self.name));
            }
            return Fail::new(format!(
                "bad argument #{} to '{}' ({msg})",
                i - 1,
                self.name
            ));
        }
        Fail::new(format!("bad argument #{i} to '{}' ({msg})", self.name))
    }

    pub fn type_error(&self, i: usize, expected: &str) -> Fail {
        let got = if self.is_none(i) {
            "no value".to_owned()
        } else {
            type_name(&self.lua, self.get(i))
        };
        self.bad(i, format!("{expected} expected, got {got}"))
    }

    pub fn number(&self, i: usize) -> Ret<f64> {
        match self.get(i) {
            Value::Integer(n) => Ok(*n as f64),
            Value::Number(n) => Ok(*n),
            // Lua's own check functions coerce numeric strings, by Lua's rules ("0x10" is 16,
            // "inf" and "nan" are no numbers); so do we, with Lua's own conversion.
            Value::String(s) => match self.lua.coerce_number(Value::String(s.clone())) {
                Ok(Some(n)) => Ok(n),
                _ => Err(self.type_error(i, "number")),
            },
            _ => Err(self.type_error(i, "number")),
        }
    }

    /// An integer in `min..=max`, as `luaL_checkinteger` plus a range check.
    pub fn integer(&self, i: usize, min: i64, max: i64) -> Ret<i64> {
        let n = match self.get(i) {
            Value::Integer(n) => *n,
            _ => {
                let f = self.number(i)?;
                if !f.is_finite() || f.fract() != 0.0 || f.abs() > MAX_EXACT {
                    return Err(self.bad(i, "number has no integer representation"));
                }
                f as i64
            }
        };
        if n < min || n > max {
            return Err(self.bad(i, format!("value out of range: {n} not in {min}..{max}")));
        }
        Ok(n)
    }

    pub fn int32(&self, i: usize) -> Ret<i32> {
        Ok(self.integer(i, i32::MIN as i64, i32::MAX as i64)? as i32)
    }

    /// A string (numbers are converted, as `luaL_checklstring` does).
    pub fn bytes(&self, i: usize) -> Ret<Vec<u8>> {
        match self.get(i) {
            Value::String(s) => Ok(s.as_bytes().to_vec()),
            // Lua's own conversion (`%.14g`, `1.0` on 5.4, `-nan`...), so the bytes sent are
            // the ones `tostring` shows the caller.
            v @ (Value::Integer(_) | Value::Number(_)) => match self.lua.coerce_string(v.clone()) {
                Ok(Some(s)) => Ok(s.as_bytes().to_vec()),
                _ => Err(self.type_error(i, "string")),
            },
            _ => Err(self.type_error(i, "string")),
        }
    }

    /// Like `bytes`, but lends a Lua string's bytes to `f` instead of copying them (the hot
    /// path of `SendMessageToUser`: the core copies the payload once, into its send buffer).
    pub fn with_bytes<R>(&self, i: usize, f: impl FnOnce(&[u8]) -> Ret<R>) -> Ret<R> {
        match self.get(i) {
            Value::String(s) => f(&s.as_bytes()),
            _ => f(&self.bytes(i)?),
        }
    }

    pub fn string(&self, i: usize) -> Ret<String> {
        String::from_utf8(self.bytes(i)?).map_err(|_| self.bad(i, "string is not valid UTF-8"))
    }

    pub fn table(&self, i: usize) -> Ret<Table> {
        match self.get(i) {
            Value::Table(t) => Ok(t.clone()),
            _ => Err(self.type_error(i, "table")),
        }
    }

    pub fn opt_table(&self, i: usize) -> Ret<Option<Table>> {
        if self.is_nil(i) {
            Ok(None)
        } else {
            self.table(i).map(Some)
        }
    }

    pub fn opt_function(&self, i: usize) -> Ret<Option<Function>> {
        match self.get(i) {
            Value::Nil => Ok(None),
            Value::Function(f) => Ok(Some(f.clone())),
            _ => Err(self.type_error(i, "function")),
        }
    }
}

/// `luaL_typename`, but userdata of ours is named by its type for clearer messages.
pub fn type_name(lua: &Lua, v: &Value) -> String {
    match v {
        Value::Integer(_) | Value::Number(_) => "number".to_owned(),
        Value::UserData(ud) => match ud.type_name() {
            Ok(name) => name.to_string_lossy(),
            // Not an mlua userdata (a message, `raw.rs`): its metatable's `__name`, read raw.
            // SAFETY: the closure reads the one argument and leaves one string.
            Err(_) => unsafe {
                lua.exec_raw::<String>(ud, |state| {
                    let name = super::raw::type_name(state, 1);
                    ffi::lua_settop(state, 0);
                    ffi::lua_pushlstring(state, name.as_ptr() as *const _, name.len());
                })
            }
            .unwrap_or_else(|_| "userdata".to_owned()),
        },
        Value::Error(_) => "userdata".to_owned(),
        Value::Other(_) => "cdata".to_owned(),
        other => other.type_name().to_owned(),
    }
}
