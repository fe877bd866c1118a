<%-- The persistent-auth rules on top of Tomcat's BASIC authentication and session manager.
     session="false": a JSP would otherwise create a session (and a cookie) on every response. --%><%@
page session="false" contentType="application/xml" pageEncoding="UTF-8"
     import="java.util.Base64,java.util.Enumeration,java.nio.charset.StandardCharsets,jakarta.servlet.http.HttpSession" %><%
    // Prefer as the engine reads it: every line, comma lists, element names only, any case.
    boolean persistent = false;
    for (Enumeration<String> lines = request.getHeaders("Prefer"); lines.hasMoreElements(); ) {
        for (String element : lines.nextElement().split(",")) {
            if (element.split("[;=]", 2)[0].trim().equalsIgnoreCase("persistent-auth")) {
                persistent = true;
            }
        }
    }
    String authorization = request.getHeader("Authorization");
    HttpSession session = request.getSession(false);
    // Tomcat let the request in either on the credentials or on the principal cached in the session.
    response.setHeader("X-Authenticated-By", authorization == null ? "session" : "credentials");

    if (persistent && session == null && authorization != null
            && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        // A login. Tomcat caches the principal only in a session that exists when it authenticates:
        // create the session, then authenticate again into it.
        String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        session = request.getSession(true);
        request.logout();
        request.login(decoded.substring(0, colon), decoded.substring(colon + 1));
        String ttl = request.getHeader("Session-TTL");
        if (ttl != null && ttl.trim().matches("[0-9]+")) {
            try {
                int minutes = Integer.parseInt(ttl.trim());
                if (minutes >= 1) {
                    session.setMaxInactiveInterval(minutes * 60);
                }
            } catch (NumberFormatException tooLarge) {
                // ignored, as the engine ignores it
            }
        }
    }
%><api><user><%= request.getRemoteUser() %></user></api>
<%
    if (!persistent && session != null) {
        // No persistent-auth with a session: serve, then end it.
        session.invalidate();
    }
%>
