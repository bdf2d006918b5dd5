//! Steam's networking configuration values (`k_ESteamNetworkingConfig_*`) that a Messages game
//! can set, with Steam's defaults and ranges (GameNetworkingSockets `csteamnetworkingsockets.cpp`).
//! The offline backend obeys them; the Steam backend passes them to `ISteamNetworkingUtils`.

/// A value as `SetGlobalConfigValue*` takes it.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigValue {
    Int32(i32),
    Float(f32),
    String(String),
}

/// `ESteamNetworkingConfigDataType`.
pub mod data_type {
    pub const INT32: i32 = 1;
    pub const INT64: i32 = 2;
    pub const FLOAT: i32 = 3;
    pub const STRING: i32 = 4;
    pub const PTR: i32 = 5;
}

/// `ESteamNetworkingConfigScope`.
pub mod scope {
    pub const GLOBAL: i32 = 1;
    pub const SOCKETS_INTERFACE: i32 = 2;
    pub const LISTEN_SOCKET: i32 = 3;
    pub const CONNECTION: i32 = 4;
}

/// One configuration value: its SDK number and name, type, widest scope, default and range.
#[derive(Clone, Copy, Debug)]
pub struct ConfigSpec {
    pub key: i32,
    pub name: &'static str,
    pub data_type: i32,
    pub scope: i32,
    pub default: f64,
    pub min: f64,
    pub max: f64,
}

const fn int(
    key: i32,
    name: &'static str,
    scope: i32,
    default: f64,
    min: f64,
    max: f64,
) -> ConfigSpec {
    ConfigSpec {
        key,
        name,
        data_type: data_type::INT32,
        scope,
        default,
        min,
        max,
    }
}
const fn float(key: i32, name: &'static str, default: f64, min: f64, max: f64) -> ConfigSpec {
    ConfigSpec {
        key,
        name,
        data_type: data_type::FLOAT,
        scope: scope::GLOBAL,
        default,
        min,
        max,
    }
}

const G: i32 = scope::GLOBAL;
const C: i32 = scope::CONNECTION;
const INT_MAX: f64 = i32::MAX as f64;
/// `0x10000000`: the most Steam lets a game store in a rate or buffer size.
const CAP: f64 = 268_435_456.0;
/// 100 MiB/s: the fastest Steam sends, whatever `SendRateMin`/`SendRateMax` hold
/// (GameNetworkingSockets' `SNP_ClampSendRate`).
pub const SEND_RATE_CEILING: f64 = 100.0 * 1024.0 * 1024.0;
/// The slowest Steam sends, whatever `SendRateMin` holds.
const SEND_RATE_FLOOR: f64 = 1024.0;

pub const TIMEOUT_INITIAL: i32 = 24;
pub const TIMEOUT_CONNECTED: i32 = 25;
pub const SEND_BUFFER_SIZE: i32 = 9;
pub const RECV_BUFFER_SIZE: i32 = 47;
pub const RECV_BUFFER_MESSAGES: i32 = 48;
pub const RECV_MAX_MESSAGE_SIZE: i32 = 49;
pub const SEND_RATE_MIN: i32 = 10;
pub const SEND_RATE_MAX: i32 = 11;
pub const NAGLE_TIME: i32 = 12;
pub const MTU_PACKET_SIZE: i32 = 32;
pub const FAKE_PACKET_LOSS_SEND: i32 = 2;
pub const FAKE_PACKET_LOSS_RECV: i32 = 3;
pub const FAKE_PACKET_LAG_SEND: i32 = 4;
pub const FAKE_PACKET_LAG_RECV: i32 = 5;
pub const FAKE_PACKET_REORDER_SEND: i32 = 6;
pub const FAKE_PACKET_REORDER_RECV: i32 = 7;
pub const FAKE_PACKET_REORDER_TIME: i32 = 8;
pub const FAKE_PACKET_DUP_SEND: i32 = 26;
pub const FAKE_PACKET_DUP_RECV: i32 = 27;
pub const FAKE_PACKET_DUP_TIME_MAX: i32 = 28;
pub const FAKE_PACKET_JITTER_SEND_AVG: i32 = 53;
pub const FAKE_PACKET_JITTER_SEND_MAX: i32 = 54;
pub const FAKE_PACKET_JITTER_SEND_PCT: i32 = 55;
pub const FAKE_PACKET_JITTER_RECV_AVG: i32 = 56;
pub const FAKE_PACKET_JITTER_RECV_MAX: i32 = 57;
pub const FAKE_PACKET_JITTER_RECV_PCT: i32 = 58;
pub const FAKE_RATE_LIMIT_SEND_RATE: i32 = 42;
pub const FAKE_RATE_LIMIT_SEND_BURST: i32 = 43;
pub const FAKE_RATE_LIMIT_RECV_RATE: i32 = 44;
pub const FAKE_RATE_LIMIT_RECV_BURST: i32 = 45;

/// The values the offline backend obeys.
pub const SPECS: &[ConfigSpec] = &[
    int(TIMEOUT_INITIAL, "TimeoutInitial", C, 10_000.0, 0.0, INT_MAX),
    int(
        TIMEOUT_CONNECTED,
        "TimeoutConnected",
        C,
        10_000.0,
        0.0,
        INT_MAX,
    ),
    int(
        SEND_BUFFER_SIZE,
        "SendBufferSize",
        C,
        524_288.0,
        4096.0,
        CAP,
    ),
    int(
        RECV_BUFFER_SIZE,
        "RecvBufferSize",
        C,
        1_048_576.0,
        4096.0,
        CAP,
    ),
    int(
        RECV_BUFFER_MESSAGES,
        "RecvBufferMessages",
        C,
        1000.0,
        2.0,
        CAP,
    ),
    int(
        RECV_MAX_MESSAGE_SIZE,
        "RecvMaxMessageSize",
        C,
        524_288.0,
        64.0,
        CAP,
    ),
    int(SEND_RATE_MIN, "SendRateMin", C, 262_144.0, 1024.0, CAP),
    int(SEND_RATE_MAX, "SendRateMax", C, 262_144.0, 1024.0, CAP),
    int(NAGLE_TIME, "NagleTime", C, 5000.0, 0.0, 20_000.0),
    // Steam's k_cbSteamNetworkingSocketsMinMTUPacketSize .. k_cbSteamNetworkingSocketsMaxUDPMsgLen.
    int(MTU_PACKET_SIZE, "MTU_PacketSize", C, 1300.0, 200.0, 1300.0),
    float(
        FAKE_PACKET_LOSS_SEND,
        "FakePacketLoss_Send",
        0.0,
        0.0,
        100.0,
    ),
    float(
        FAKE_PACKET_LOSS_RECV,
        "FakePacketLoss_Recv",
        0.0,
        0.0,
        100.0,
    ),
    int(
        FAKE_PACKET_LAG_SEND,
        "FakePacketLag_Send",
        G,
        0.0,
        0.0,
        5000.0,
    ),
    int(
        FAKE_PACKET_LAG_RECV,
        "FakePacketLag_Recv",
        G,
        0.0,
        0.0,
        5000.0,
    ),
    float(
        FAKE_PACKET_REORDER_SEND,
        "FakePacketReorder_Send",
        0.0,
        0.0,
        100.0,
    ),
    float(
        FAKE_PACKET_REORDER_RECV,
        "FakePacketReorder_Recv",
        0.0,
        0.0,
        100.0,
    ),
    int(
        FAKE_PACKET_REORDER_TIME,
        "FakePacketReorder_Time",
        G,
        15.0,
        0.0,
        5000.0,
    ),
    float(FAKE_PACKET_DUP_SEND, "FakePacketDup_Send", 0.0, 0.0, 100.0),
    float(FAKE_PACKET_DUP_RECV, "FakePacketDup_Recv", 0.0, 0.0, 100.0),
    int(
        FAKE_PACKET_DUP_TIME_MAX,
        "FakePacketDup_TimeMax",
        G,
        10.0,
        0.0,
        5000.0,
    ),
    float(
        FAKE_PACKET_JITTER_SEND_AVG,
        "FakePacketJitter_Send_Avg",
        0.0,
        0.0,
        2000.0,
    ),
    float(
        FAKE_PACKET_JITTER_SEND_MAX,
        "FakePacketJitter_Send_Max",
        100.0,
        0.0,
        5000.0,
    ),
    float(
        FAKE_PACKET_JITTER_SEND_PCT,
        "FakePacketJitter_Send_Pct",
        75.0,
        0.0,
        100.0,
    ),
    float(
        FAKE_PACKET_JITTER_RECV_AVG,
        "FakePacketJitter_Recv_Avg",
        0.0,
        0.0,
        2000.0,
    ),
    float(
        FAKE_PACKET_JITTER_RECV_MAX,
        "FakePacketJitter_Recv_Max",
        100.0,
        0.0,
        5000.0,
    ),
    float(
        FAKE_PACKET_JITTER_RECV_PCT,
        "FakePacketJitter_Recv_Pct",
        75.0,
        0.0,
        100.0,
    ),
    int(
        FAKE_RATE_LIMIT_SEND_RATE,
        "FakeRateLimit_Send_Rate",
        G,
        0.0,
        0.0,
        1_073_741_824.0,
    ),
    int(
        FAKE_RATE_LIMIT_SEND_BURST,
        "FakeRateLimit_Send_Burst",
        G,
        16_384.0,
        0.0,
        1_048_576.0,
    ),
    int(
        FAKE_RATE_LIMIT_RECV_RATE,
        "FakeRateLimit_Recv_Rate",
        G,
        0.0,
        0.0,
        1_073_741_824.0,
    ),
    int(
        FAKE_RATE_LIMIT_RECV_BURST,
        "FakeRateLimit_Recv_Burst",
        G,
        16_384.0,
        0.0,
        1_048_576.0,
    ),
];

pub fn spec(key: i32) -> Option<&'static ConfigSpec> {
    SPECS.iter().find(|s| s.key == key)
}

/// The values in force for one backend: every key in `SPECS`, clamped to its range.
#[derive(Clone, Debug)]
pub struct ConfigTable {
    values: Vec<f64>,
}

impl Default for ConfigTable {
    fn default() -> Self {
        ConfigTable {
            values: SPECS.iter().map(|s| s.default).collect(),
        }
    }
}

impl ConfigTable {
    /// Sets `key` as Steam's `SetConfigValue` does: the value is converted to the key's type
    /// (see `as_int32`, `as_float`), then clamped to its range. `false` for a key we do not know
    /// or a value Steam cannot convert (a string that is not a number).
    pub fn set(&mut self, key: i32, value: &ConfigValue) -> bool {
        let Some(i) = SPECS.iter().position(|s| s.key == key) else {
            return false;
        };
        let spec = &SPECS[i];
        let v = match spec.data_type {
            data_type::INT32 => as_int32(value).map(f64::from),
            data_type::FLOAT => as_float(value).map(f64::from),
            _ => None,
        };
        let Some(v) = v else {
            return false;
        };
        // A NaN float lands on the maximum: Steam clamps with std::min(max, v) first, which
        // returns `max` when the comparison with NaN fails.
        self.values[i] = if v.is_nan() {
            spec.max
        } else {
            v.clamp(spec.min, spec.max)
        };
        true
    }

    /// The rate a session sends at, resolved from the stored bounds as Steam resolves them when
    /// it sends: each bound is stored as set, then `SendRateMin` is kept within 1 KiB/s..100 MiB/s
    /// and `SendRateMax` within `SendRateMin`..100 MiB/s, so the minimum wins a crossed pair. With
    /// no bandwidth estimation offline, a session sends at that maximum.
    pub fn send_rate(&self) -> f64 {
        let min = self
            .get(SEND_RATE_MIN)
            .clamp(SEND_RATE_FLOOR, SEND_RATE_CEILING);
        self.get(SEND_RATE_MAX).clamp(min, SEND_RATE_CEILING)
    }

    /// The value in force (the default when never set); 0 for an unknown key.
    pub fn get(&self, key: i32) -> f64 {
        SPECS
            .iter()
            .position(|s| s.key == key)
            .map(|i| self.values[i])
            .unwrap_or(0.0)
    }

    pub fn get_i64(&self, key: i32) -> i64 {
        self.get(key) as i64
    }

    pub fn value(&self, key: i32) -> Option<ConfigValue> {
        let spec = spec(key)?;
        let v = self.get(key);
        Some(if spec.data_type == data_type::FLOAT {
            ConfigValue::Float(v as f32)
        } else {
            ConfigValue::Int32(v as i32)
        })
    }
}

/// A value for an Int32 key, as GameNetworkingSockets' `AssignConfigValueTyped` makes it: a float
/// is rounded half up (`floor(v + 0.5)` in single precision) and a string read as `%d`.
fn as_int32(value: &ConfigValue) -> Option<i32> {
    match value {
        ConfigValue::Int32(v) => Some(*v),
        ConfigValue::Float(v) => {
            let rounded = (v + 0.5).floor();
            // C leaves a float outside int32 (or NaN) undefined; on x86 and x64, where Steam
            // runs, the conversion yields i32::MIN, which the range then clamps to its minimum.
            Some(if (-2_147_483_648.0..2_147_483_648.0).contains(&rounded) {
                rounded as i32
            } else {
                i32::MIN
            })
        }
        ConfigValue::String(s) => scan_int(s),
    }
}

/// A value for a Float key: an int converted, a string read as `%f`.
fn as_float(value: &ConfigValue) -> Option<f32> {
    match value {
        ConfigValue::Int32(v) => Some(*v as f32),
        ConfigValue::Float(v) => Some(*v),
        ConfigValue::String(s) => scan_float(s),
    }
}

/// `sscanf(s, "%d")`: leading white space, an optional sign, then at least one digit; what
/// follows is ignored. C leaves an overflow undefined; this saturates.
fn scan_int(s: &str) -> Option<i32> {
    let t = s.trim_start_matches(is_c_space);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        return None;
    }
    let magnitude = digits[..end]
        .bytes()
        .fold(0i64, |n, d| (n * 10 + i64::from(d - b'0')).min(1 << 32));
    let v = if negative { -magnitude } else { magnitude };
    Some(v.clamp(i32::MIN.into(), i32::MAX.into()) as i32)
}

/// `sscanf(s, "%f")`: leading white space, then the longest prefix that reads as a decimal
/// number (`inf` and `nan` included; C's hexadecimal floats are not); what follows is ignored.
/// One pass over the prefix, so a caller's megabyte string costs a megabyte, not its square.
fn scan_float(s: &str) -> Option<f32> {
    let t = s.trim_start_matches(is_c_space);
    let b = t.as_bytes();
    let i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let word =
        |w: &str| b.len() >= i + w.len() && b[i..i + w.len()].eq_ignore_ascii_case(w.as_bytes());
    if word("infinity") {
        return t[..i + 8].parse().ok();
    }
    if word("inf") || word("nan") {
        return t[..i + 3].parse().ok();
    }
    let digits = |mut j: usize| {
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        j
    };
    let int_end = digits(i);
    let mut end = int_end;
    let mut fraction_digits = false;
    if b.get(end) == Some(&b'.') {
        end = digits(end + 1);
        fraction_digits = end > int_end + 1;
    }
    // At least one digit, before or after the point.
    if int_end == i && !fraction_digits {
        return None;
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
        let exp_end = digits(end + 1 + sign);
        if exp_end > end + 1 + sign {
            end = exp_end;
        }
    }
    t[..end].parse().ok()
}

/// C's `isspace` in the "C" locale.
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// `k_ESteamNetworkingConfig_<Name>` constants for the `Steam` table.
pub fn lua_constants() -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = [
        ("k_ESteamNetworkingConfig_Invalid", 0),
        ("k_ESteamNetworkingConfig_Global", scope::GLOBAL as i64),
        (
            "k_ESteamNetworkingConfig_SocketsInterface",
            scope::SOCKETS_INTERFACE as i64,
        ),
        (
            "k_ESteamNetworkingConfig_ListenSocket",
            scope::LISTEN_SOCKET as i64,
        ),
        (
            "k_ESteamNetworkingConfig_Connection",
            scope::CONNECTION as i64,
        ),
        ("k_ESteamNetworkingConfig_Int32", data_type::INT32 as i64),
        ("k_ESteamNetworkingConfig_Int64", data_type::INT64 as i64),
        ("k_ESteamNetworkingConfig_Float", data_type::FLOAT as i64),
        ("k_ESteamNetworkingConfig_String", data_type::STRING as i64),
        ("k_ESteamNetworkingConfig_Ptr", data_type::PTR as i64),
        ("k_ESteamNetworkingConfig_ConnectionUserData", 40),
        ("k_ESteamNetworkingConfig_IP_AllowWithoutAuth", 23),
        ("k_ESteamNetworkingConfig_MTU_DataSize", 33),
        ("k_ESteamNetworkingConfig_Unencrypted", 34),
        ("k_ESteamNetworkingConfig_SymmetricConnect", 37),
        ("k_ESteamNetworkingConfig_LocalVirtualPort", 38),
        ("k_ESteamNetworkingConfig_RecvMaxSegmentsPerPacket", 50),
        (
            "k_ESteamNetworkingConfig_Callback_MessagesSessionRequest",
            204,
        ),
        (
            "k_ESteamNetworkingConfig_Callback_MessagesSessionFailed",
            205,
        ),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), *v))
    .collect();
    out.extend(
        SPECS
            .iter()
            .map(|s| (format!("k_ESteamNetworkingConfig_{}", s.name), s.key as i64)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_steams() {
        let t = ConfigTable::default();
        assert_eq!(t.get(SEND_RATE_MIN), 262_144.0);
        assert_eq!(t.get(SEND_RATE_MAX), 262_144.0);
        assert_eq!(t.get(SEND_BUFFER_SIZE), 524_288.0);
        assert_eq!(t.get(RECV_BUFFER_MESSAGES), 1000.0);
        assert_eq!(t.get(NAGLE_TIME), 5000.0);
        assert_eq!(t.get(MTU_PACKET_SIZE), 1300.0);
        assert_eq!(t.get(TIMEOUT_INITIAL), 10_000.0);
        assert_eq!(t.get(FAKE_PACKET_JITTER_SEND_AVG), 0.0);
        assert_eq!(t.get(FAKE_PACKET_JITTER_RECV_MAX), 100.0);
        assert_eq!(t.get(FAKE_PACKET_JITTER_SEND_PCT), 75.0);
    }

    #[test]
    fn jitter_values_are_global_floats_in_steams_ranges() {
        for key in FAKE_PACKET_JITTER_SEND_AVG..=FAKE_PACKET_JITTER_RECV_PCT {
            let s = spec(key).unwrap();
            assert_eq!((s.data_type, s.scope), (data_type::FLOAT, scope::GLOBAL));
        }
        let mut t = ConfigTable::default();
        assert!(t.set(FAKE_PACKET_JITTER_SEND_AVG, &ConfigValue::Float(2.5)));
        assert_eq!(t.get(FAKE_PACKET_JITTER_SEND_AVG), 2.5);
        assert!(t.set(FAKE_PACKET_JITTER_SEND_AVG, &ConfigValue::Int32(9000)));
        assert_eq!(t.get(FAKE_PACKET_JITTER_SEND_AVG), 2000.0);
        assert!(t.set(FAKE_PACKET_JITTER_RECV_MAX, &ConfigValue::Int32(9000)));
        assert_eq!(t.get(FAKE_PACKET_JITTER_RECV_MAX), 5000.0);
    }

    #[test]
    fn out_of_range_values_clamp() {
        let mut t = ConfigTable::default();
        assert!(t.set(SEND_RATE_MAX, &ConfigValue::Int32(i32::MAX)));
        assert_eq!(t.get(SEND_RATE_MAX), CAP);
        assert!(t.set(FAKE_PACKET_LOSS_SEND, &ConfigValue::Float(250.0)));
        assert_eq!(t.get(FAKE_PACKET_LOSS_SEND), 100.0);
    }

    #[test]
    fn rate_bounds_are_stored_as_set_and_the_minimum_wins_when_sending() {
        let mut t = ConfigTable::default();
        assert!(t.set(SEND_RATE_MIN, &ConfigValue::Int32(1_000_000)));
        assert!(t.set(SEND_RATE_MAX, &ConfigValue::Int32(524_288)));
        assert_eq!(t.get(SEND_RATE_MIN), 1_000_000.0);
        assert_eq!(t.get(SEND_RATE_MAX), 524_288.0);
        assert_eq!(t.send_rate(), 1_000_000.0);
        assert!(t.set(SEND_RATE_MIN, &ConfigValue::Int32(1024)));
        assert_eq!(t.send_rate(), 524_288.0);
    }

    #[test]
    fn a_rate_stored_above_100_mib_sends_at_100_mib() {
        let mut t = ConfigTable::default();
        assert!(t.set(SEND_RATE_MAX, &ConfigValue::Int32(0x1000_0000)));
        assert_eq!(t.get(SEND_RATE_MAX), CAP);
        assert_eq!(t.send_rate(), SEND_RATE_CEILING);
        assert!(t.set(SEND_RATE_MIN, &ConfigValue::Int32(0x1000_0000)));
        assert_eq!(t.send_rate(), SEND_RATE_CEILING);
    }

    /// Sets `key` to `value` and reads back what is in force.
    fn clamped(key: i32, value: i32) -> f64 {
        let mut t = ConfigTable::default();
        assert!(t.set(key, &ConfigValue::Int32(value)));
        t.get(key)
    }

    #[test]
    fn buffer_and_packet_sizes_clamp_to_steams_ranges() {
        assert_eq!(clamped(SEND_BUFFER_SIZE, 0), 4096.0);
        assert_eq!(clamped(SEND_BUFFER_SIZE, i32::MAX), CAP);
        assert_eq!(clamped(RECV_BUFFER_SIZE, 100), 4096.0);
        assert_eq!(clamped(RECV_BUFFER_SIZE, i32::MAX), CAP);
        assert_eq!(clamped(RECV_BUFFER_MESSAGES, 0), 2.0);
        assert_eq!(clamped(RECV_BUFFER_MESSAGES, i32::MAX), CAP);
        assert_eq!(clamped(RECV_MAX_MESSAGE_SIZE, 1), 64.0);
        assert_eq!(clamped(RECV_MAX_MESSAGE_SIZE, 100), 100.0);
        assert_eq!(clamped(RECV_MAX_MESSAGE_SIZE, i32::MAX), CAP);
        assert_eq!(clamped(MTU_PACKET_SIZE, 100), 200.0);
        assert_eq!(clamped(MTU_PACKET_SIZE, 1400), 1300.0);
        assert_eq!(clamped(MTU_PACKET_SIZE, 1200), 1200.0);
    }

    /// Sets `key` to `value`: what `set` returned and the value then in force.
    fn set_to(key: i32, value: ConfigValue) -> (bool, f64) {
        let mut t = ConfigTable::default();
        let ok = t.set(key, &value);
        (ok, t.get(key))
    }

    #[test]
    fn unknown_keys_and_strings_that_are_not_numbers_are_refused() {
        let default = ConfigTable::default().get(SEND_BUFFER_SIZE);
        assert_eq!(set_to(9999, ConfigValue::Int32(1)), (false, 0.0));
        for text in ["", "  ", "abc", "-", "x12", "\u{e9}"] {
            let s = || ConfigValue::String(text.to_string());
            assert_eq!(set_to(SEND_BUFFER_SIZE, s()), (false, default), "{text:?}");
            assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, s()), (false, 0.0), "{text:?}");
        }
    }

    #[test]
    fn a_float_for_an_int_value_rounds_half_up_as_steam_does() {
        let f = ConfigValue::Float;
        assert_eq!(set_to(SEND_RATE_MAX, f(1e6)), (true, 1_000_000.0));
        assert_eq!(set_to(NAGLE_TIME, f(1500.5)), (true, 1501.0));
        assert_eq!(set_to(NAGLE_TIME, f(1500.49)), (true, 1500.0));
        assert_eq!(set_to(FAKE_PACKET_LAG_SEND, f(-0.5)), (true, 0.0));
        // Outside int32 (and NaN) the x64 conversion gives i32::MIN: the minimum.
        assert_eq!(set_to(SEND_RATE_MAX, f(1e10)), (true, 1024.0));
        assert_eq!(set_to(SEND_RATE_MAX, f(f32::NAN)), (true, 1024.0));
    }

    #[test]
    fn a_string_is_read_as_scanf_reads_it() {
        let s = |t: &str| ConfigValue::String(t.to_string());
        assert_eq!(set_to(NAGLE_TIME, s("1234")), (true, 1234.0));
        assert_eq!(set_to(NAGLE_TIME, s(" \t+777ms")), (true, 777.0));
        assert_eq!(set_to(NAGLE_TIME, s("12.9")), (true, 12.0));
        assert_eq!(set_to(NAGLE_TIME, s("-5")), (true, 0.0));
        assert_eq!(
            set_to(TIMEOUT_INITIAL, s("99999999999999")),
            (true, INT_MAX)
        );
        assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, s("12.5%")), (true, 12.5));
        assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, s("1e1")), (true, 10.0));
        assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, s("inf")), (true, 100.0));
        assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, s(" .5x")), (true, 0.5));
        assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, s("-3.e")), (true, 0.0));
        assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, s("+7e1.5")), (true, 70.0));
        assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, s("Infinity!")), (true, 100.0));
        assert!(set_to(FAKE_PACKET_LOSS_SEND, s("-nan")).0);
        for text in [".", "+.", "e5", ".e5"] {
            assert_eq!(
                set_to(FAKE_PACKET_LOSS_SEND, s(text)),
                (false, 0.0),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_long_string_is_read_in_one_pass() {
        // Each prefix tried in turn made a megabyte string cost ~10^12 steps.
        let long = "1".repeat(1 << 20);
        let start = std::time::Instant::now();
        let (ok, v) = set_to(FAKE_PACKET_LOSS_SEND, ConfigValue::String(long));
        assert!(ok && v == 100.0, "{ok} {v}");
        let junk = "x".repeat(1 << 20);
        assert!(!set_to(FAKE_PACKET_LOSS_SEND, ConfigValue::String(junk)).0);
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn an_int_for_a_float_value_converts_and_a_nan_float_lands_on_the_maximum() {
        assert_eq!(
            set_to(FAKE_PACKET_LOSS_SEND, ConfigValue::Int32(7)),
            (true, 7.0)
        );
        let nan = ConfigValue::Float(f32::NAN);
        assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, nan), (true, 100.0));
        let below = ConfigValue::Float(f32::NEG_INFINITY);
        assert_eq!(set_to(FAKE_PACKET_LOSS_SEND, below), (true, 0.0));
    }
}
