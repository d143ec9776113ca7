package org.liaison.sip.edge;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * JAIN-SIP's socket factory ({@code gov.nist.javax.sip.NETWORK_LAYER}), which the stack instantiates
 * by class name: everything is JAIN-SIP's default but the socket of a UDP listening point, which is
 * an {@link AdmittingDatagramSocket}. {@link SipEdge} gives it the {@link DatagramAdmission} before it
 * creates any listening point.
 */
public final class AdmittingNetworkLayer implements NetworkLayer {
    private final NetworkLayer plain = DefaultNetworkLayer.SINGLETON;
    private volatile DatagramAdmission admission;
    private volatile ResponsesSent sent;

    /** Called by the stack, which finds this class by name. */
    public AdmittingNetworkLayer() {
    }

    /** {@code sent}: told of each datagram the edge refuses with an answer. */
    void admitWith(DatagramAdmission admission, ResponsesSent sent) {
        this.sent = sent;
        this.admission = admission;
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress laddr) throws SocketException {
        if (admission == null) {
            throw new SocketException("UDP listening point created before its admission policy was set");
        }
        return new AdmittingDatagramSocket(new InetSocketAddress(laddr, port), admission, sent);
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return plain.createDatagramSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return plain.createServerSocket(port, backlog, bindAddress);
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return plain.createSSLServerSocket(port, backlog, bindAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return plain.createSocket(address, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        return plain.createSocket(address, port, myAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort) throws IOException {
        return plain.createSocket(address, port, myAddress, myPort);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return plain.createSSLSocket(address, port);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        return plain.createSSLSocket(address, port, myAddress);
    }

    @Override
    public void setSipStack(SipStackImpl sipStack) {
        plain.setSipStack(sipStack);
    }
}
