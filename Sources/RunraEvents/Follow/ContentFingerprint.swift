/// A short, stable name for some bytes: FNV-1a (64 bit), spelled `fnv1a64:` and lowercase hex.
///
/// Checkpoints use it to recognise a file by its content rather than its name. It detects change and
/// identity, not tampering.
public enum ContentFingerprint {
    /// The fingerprint of `bytes`.
    public static func of(_ bytes: some Sequence<UInt8>) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
        return "fnv1a64:" + String(value, radix: 16)
    }
}
