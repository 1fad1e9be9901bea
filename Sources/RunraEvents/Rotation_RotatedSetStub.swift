// Temporary stand-in until the rotation work lands; replaced on merge.
public struct RotatedSet {
    public init(basePath: String) { self.basePath = basePath }
    let basePath: String
    public func members() throws -> [String] { [basePath] }
}
