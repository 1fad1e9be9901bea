/// SHA-256 (FIPS 180-4), self-contained: Foundation on Linux has no digest API and swift-crypto
/// costs build time. Used only to derive OTLP trace and span ids from run and event ids.
struct SHA256 {
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// The 32-byte digest of `message`.
    static func hash(_ message: some Collection<UInt8>) -> [UInt8] { hash(message, prefix: 32) }

    /// The first `prefix` bytes (at most 32) of the digest of `message`.
    static func hash(_ message: some Collection<UInt8>, prefix: Int) -> [UInt8] {
        if let digest = message.withContiguousStorageIfAvailable({ hash(bytes: $0, prefix: prefix) }) { return digest }
        return Array(message).withUnsafeBufferPointer { hash(bytes: $0, prefix: prefix) }
    }

    /// The digest of contiguous bytes: whole blocks are read in place, the padded tail from a small
    /// buffer on the stack (no allocation but the digest's).
    private static func hash(bytes message: UnsafeBufferPointer<UInt8>, prefix: Int) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
        )
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                roundConstants.withUnsafeBufferPointer { k in
                    let wholeBlocks = message.count / 64
                    for block in 0..<wholeBlocks {
                        compress(message.baseAddress! + block * 64, &state, w.baseAddress!, k.baseAddress!)
                    }
                    // The rest, 0x80, zeros, and the length in bits (big-endian): one block or two.
                    let rest = message.count - wholeBlocks * 64
                    let tailLength = rest + 9 <= 64 ? 64 : 128
                    let tailBytes = tail.baseAddress!
                    tailBytes.initialize(repeating: 0, count: tailLength)
                    if rest > 0 { tailBytes.update(from: message.baseAddress! + wholeBlocks * 64, count: rest) }
                    tailBytes[rest] = 0x80
                    let bitLength = UInt64(message.count) &* 8
                    for index in 0..<8 {
                        tailBytes[tailLength - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(index * 8))
                    }
                    for start in stride(from: 0, to: tailLength, by: 64) {
                        compress(tailBytes + start, &state, w.baseAddress!, k.baseAddress!)
                    }
                }
            }
        }
        let count = min(prefix, 32)
        return withUnsafeBytes(of: state) { words in  // eight UInt32s, in order
            [UInt8](unsafeUninitializedCapacity: count) { digest, initialized in
                for index in 0..<count {
                    let word = words.load(fromByteOffset: index / 4 * 4, as: UInt32.self)
                    digest[index] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * (index % 4)))
                }
                initialized = count
            }
        }
    }

    /// Folds one 64-byte block into `state`.
    @inline(__always)
    private static func compress(
        _ block: UnsafePointer<UInt8>,
        _ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32),
        _ w: UnsafeMutablePointer<UInt32>,
        _ k: UnsafePointer<UInt32>
    ) {
        for i in 0..<16 {
            w[i] =
                UInt32(block[i * 4]) << 24 | UInt32(block[i * 4 + 1]) << 16 | UInt32(block[i * 4 + 2]) << 8
                | UInt32(block[i * 4 + 3])
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, h) = state
        for i in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let choice = (e & f) ^ (~e & g)
            let t1 = h &+ s1 &+ choice &+ k[i] &+ w[i]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ majority
            h = g
            g = f
            f = e
            e = d &+ t1
            d = c
            c = b
            b = a
            a = t1 &+ t2
        }
        state = (
            state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g,
            state.7 &+ h
        )
    }

    @inline(__always) private static func rotr(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }
}

/// The deterministic OTLP ids of SPEC §7.
enum OTLPIdentifiers {
    /// First 16 bytes of SHA-256("runra/trace/" + runId).
    static func traceID(runID: String) -> [UInt8] { digest("runra/trace/", runID, nil, prefix: 16) }

    /// First 8 bytes of SHA-256("runra/span/" + runId): the run's root span.
    static func rootSpanID(runID: String) -> [UInt8] { digest("runra/span/", runID, nil, prefix: 8) }

    /// First 8 bytes of SHA-256("runra/span/" + runId + "/" + eventId).
    static func spanID(runID: String, eventID: String) -> [UInt8] { digest("runra/span/", runID, eventID, prefix: 8) }

    /// The digest prefix of `label + runID`, or of `label + runID + "/" + eventID`.
    private static func digest(_ label: StaticString, _ runID: String, _ eventID: String?, prefix: Int) -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(label.utf8CodeUnitCount + runID.utf8.count + 1 + (eventID?.utf8.count ?? 0))
        message.append(contentsOf: UnsafeBufferPointer(start: label.utf8Start, count: label.utf8CodeUnitCount))
        message.append(contentsOf: runID.utf8)
        if let eventID {
            message.append(UInt8(ascii: "/"))
            message.append(contentsOf: eventID.utf8)
        }
        return SHA256.hash(message, prefix: prefix)
    }
}
