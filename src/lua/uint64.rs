//! `uint64`: exact 64-bit IDs on every Lua (5.1 and LuaJIT have only doubles), as luasteam's
//! userdata: `==`, `<`, `<=`, `tostring` and `..` give the exact decimal.

use super::edge::{Args, Ret};
use mlua::{AnyUserData, Lua, MetaMethod, UserData, UserDataFields, UserDataMethods, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Uint64(pub u64);

/// A Lua value as a u64, leniently, for comparisons: uint64, decimal string or exact number.
fn loose(v: &Value) -> Option<u64> {
    match v {
        Value::UserData(ud) => ud.borrow::<Uint64>().ok().map(|u| u.0),
        Value::String(s) => parse_decimal(&s.to_string_lossy()),
        Value::Integer(n) => u64::try_from(*n).ok(),
        Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 18_446_744_073_709_551_616.0 => {
            Some(*n as u64)
        }
        _ => None,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::UserData(ud) => ud
            .borrow::<Uint64>()
            .map(|u| u.0.to_string())
            .unwrap_or_default(),
        Value::String(s) => s.to_string_lossy(),
        Value::Integer(n) => n.to_string(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

impl UserData for Uint64 {
    fn add_fields<F: UserDataFields<Self>>(f: &mut F) {
        f.add_meta_field("__name", "uint64");
    }

    fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
        m.add_meta_method(MetaMethod::ToString, |_, this, ()| Ok(this.0.to_string()));
        m.add_meta_function(MetaMethod::Eq, |_, (a, b): (Value, Value)| {
            Ok(loose(&a).is_some() && loose(&a) == loose(&b))
        });
        m.add_meta_function(MetaMethod::Lt, |_, (a, b): (Value, Value)| {
            Ok(matches!((loose(&a), loose(&b)), (Some(x), Some(y)) if x < y))
        });
        m.add_meta_function(MetaMethod::Le, |_, (a, b): (Value, Value)| {
            Ok(matches!((loose(&a), loose(&b)), (Some(x), Some(y)) if x <= y))
        });
        m.add_meta_function(MetaMethod::Concat, |_, (a, b): (Value, Value)| {
            Ok(text(&a) + &text(&b))
        });
    }
}

/// Strict decimal: digits only, fits in 64 bits.
pub fn parse_decimal(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Numbers at or above 2^53 lost precision in a double before they reached us.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

impl Args {
    /// A uint64 argument: the userdata, a decimal string, or an exact integer below 2^53.
    pub fn uint64(&self, i: usize) -> Ret<u64> {
        match self.get(i) {
            Value::UserData(ud) => match ud.borrow::<Uint64>() {
                Ok(u) => Ok(u.0),
                Err(_) => Err(self.type_error(i, "uint64")),
            },
            Value::String(s) => parse_decimal(&s.to_string_lossy()).ok_or_else(|| {
                self.bad(
                    i,
                    "uint64 expected, got a string that is not a decimal 64-bit integer",
                )
            }),
            Value::Integer(n) => {
                if *n < 0 || *n as f64 >= MAX_EXACT {
                    Err(self.bad(i, imprecise(*n as f64)))
                } else {
                    Ok(*n as u64)
                }
            }
            Value::Number(n) => {
                if !n.is_finite() || n.fract() != 0.0 || *n < 0.0 || *n >= MAX_EXACT {
                    Err(self.bad(i, imprecise(*n)))
                } else {
                    Ok(*n as u64)
                }
            }
            _ => Err(self.type_error(i, "uint64")),
        }
    }
}

fn imprecise(n: f64) -> String {
    format!(
        "number {n} is not an exact integer in 0..2^53; pass 64-bit IDs as a uint64 or a decimal string"
    )
}

pub fn push(lua: &Lua, v: u64) -> mlua::Result<AnyUserData> {
    lua.create_userdata(Uint64(v))
}

/// `Steam.Extra.ParseUint64(string|integer)`: 0 when the value is no valid uint64, as luasteam.
pub fn parse_uint64(lua: &Lua, args: &Args) -> Ret<AnyUserData> {
    let v = match args.get(1) {
        Value::String(_) | Value::Integer(_) | Value::Number(_) | Value::UserData(_) => {
            args.uint64(1).unwrap_or(0)
        }
        _ => return Err(args.type_error(1, "string or integer")),
    };
    Ok(push(lua, v)?)
}
