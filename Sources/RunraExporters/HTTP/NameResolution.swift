internal import NIOCore
internal import NIOPosix

/// `cannot resolve host collector (Name or service not known)` when `error` is a failed DNS lookup, else `nil`.
///
/// A name that does not resolve rarely starts to within a retry schedule (a typo, a container's service name
/// used outside it), so delivery tries it only briefly (``RetryPolicy/maximumResolutionElapsed``).
func nameResolutionFailure(_ error: any Error) -> String? {
    if let unknown = error as? SocketAddressError.UnknownHost {
        return "cannot resolve host \(unknown.host) (\(unknown.errorDescription))"
    }
    guard let failure = error as? NIOConnectionError, failure.connectionErrors.isEmpty,
        let lookup = failure.dnsAError ?? failure.dnsAAAAError
    else { return nil }
    return nameResolutionFailure(lookup) ?? "cannot resolve host \(failure.host) (\(lookup))"
}
