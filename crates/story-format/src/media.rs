//! For the media blocks ([`crate::Video`], [`crate::SocialPost`]): which
//! player a video's address names, and which network a post's host belongs
//! to, decided here, once, for the viewer, the built pages and the feeds.

/// What plays a [`crate::Video`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Player {
    /// The browser's own `<video>`.
    File,
    YouTube,
    Vimeo,
}

impl Player {
    /// The site's name, as a reader knows it (`None` for a file).
    pub fn site(self) -> Option<&'static str> {
        match self {
            Player::File => None,
            Player::YouTube => Some("YouTube"),
            Player::Vimeo => Some("Vimeo"),
        }
    }
}

/// Which player an absolute `http(s)` address names, and the address a
/// reader follows for it: a YouTube or Vimeo video's page written one way,
/// `None` for a YouTube or Vimeo address that names no video (a channel, a
/// search). Any other host is a file.
pub fn video_player(url: &str) -> Option<(Player, String)> {
    let (host, rest) = host_and_rest(url);
    let host = host.strip_prefix("www.").or_else(|| host.strip_prefix("m.")).unwrap_or(host);
    let path = rest.split(['?', '#']).next().unwrap_or("");
    let query = rest.split_once('?').map(|(_, q)| q.split('#').next().unwrap_or("")).unwrap_or("");
    let youtube = |id: &str| {
        let ok = id.len() == 11 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| (Player::YouTube, format!("https://www.youtube.com/watch?v={id}")))
    };
    match host {
        "youtube.com" | "youtube-nocookie.com" => {
            let mut parts = path.trim_start_matches('/').split('/');
            match (parts.next(), parts.next()) {
                (Some("watch"), _) => query.split('&').find_map(|kv| kv.strip_prefix("v=")).and_then(youtube),
                (Some("embed" | "shorts" | "live" | "v"), Some(id)) => youtube(id),
                _ => None,
            }
        }
        "youtu.be" => youtube(path.trim_start_matches('/')),
        "vimeo.com" | "player.vimeo.com" => {
            let id = path.trim_start_matches('/').trim_start_matches("video/").trim_end_matches('/');
            let ok = !id.is_empty() && id.len() <= 12 && id.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| (Player::Vimeo, format!("https://vimeo.com/{id}")))
        }
        _ => Some((Player::File, url.to_owned())),
    }
}

/// The networks a [`crate::SocialPost`] can come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    X,
    Mastodon,
    Bluesky,
    Instagram,
    Threads,
}

impl Network {
    /// Every network, in the order the format documents them.
    pub const ALL: [Network; 5] =
        [Network::X, Network::Mastodon, Network::Bluesky, Network::Instagram, Network::Threads];

    /// The value of a post's `network` field.
    pub fn key(self) -> &'static str {
        match self {
            Network::X => "x",
            Network::Mastodon => "mastodon",
            Network::Bluesky => "bluesky",
            Network::Instagram => "instagram",
            Network::Threads => "threads",
        }
    }

    /// The network's name, as a reader knows it.
    pub fn name(self) -> &'static str {
        match self {
            Network::X => "X",
            Network::Mastodon => "Mastodon",
            Network::Bluesky => "Bluesky",
            Network::Instagram => "Instagram",
            Network::Threads => "Threads",
        }
    }

    /// The network a post's `network` field names.
    pub fn from_key(key: &str) -> Option<Network> {
        Self::ALL.into_iter().find(|n| n.key() == key)
    }

    /// The network whose own host an absolute address is on; `None` for
    /// any other host (Mastodon has thousands: a post there names its
    /// network).
    pub fn from_url(url: &str) -> Option<Network> {
        let (host, _) = host_and_rest(url);
        let host = host.strip_prefix("www.").or_else(|| host.strip_prefix("mobile.")).unwrap_or(host);
        match host {
            "x.com" | "twitter.com" => Some(Network::X),
            "bsky.app" => Some(Network::Bluesky),
            "instagram.com" => Some(Network::Instagram),
            "threads.net" | "threads.com" => Some(Network::Threads),
            _ => None,
        }
    }
}

/// The host (lower case, as resolved addresses are) and what follows it
/// (`/path?query#fragment`) of an absolute address; the port is dropped.
fn host_and_rest(url: &str) -> (&str, &str) {
    let after = url.split_once("://").map_or("", |(_, r)| r);
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    (host, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn youtube_and_vimeo_addresses_are_written_one_way() {
        let yt = Some((Player::YouTube, "https://www.youtube.com/watch?v=dQw4w9WgXcQ".to_owned()));
        for u in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=10",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?t=3",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        ] {
            assert_eq!(video_player(u), yt, "{u}");
        }
        let vimeo = Some((Player::Vimeo, "https://vimeo.com/76979871".to_owned()));
        assert_eq!(video_player("https://vimeo.com/76979871"), vimeo);
        assert_eq!(video_player("https://player.vimeo.com/video/76979871"), vimeo);
        // A site's page that names no video.
        for u in [
            "https://www.youtube.com/@channel",
            "https://www.youtube.com/watch?v=short",
            "https://youtu.be/",
            "https://vimeo.com/channels/staffpicks",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload",
        ] {
            assert_eq!(video_player(u), None, "{u}");
        }
        // Anything else is a file, kept as it is.
        let f = "https://cdn.example/v/clip.mp4?youtube.com";
        assert_eq!(video_player(f), Some((Player::File, f.to_owned())));
        let tricky = "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ";
        assert_eq!(video_player(tricky).unwrap().0, Player::File);
        let userinfo = "https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ";
        assert_eq!(video_player(userinfo).unwrap().0, Player::File);
    }

    #[test]
    fn networks_from_their_hosts_and_keys() {
        assert_eq!(Network::from_url("https://x.com/a/status/1"), Some(Network::X));
        assert_eq!(Network::from_url("https://mobile.twitter.com/a/status/1"), Some(Network::X));
        assert_eq!(Network::from_url("https://bsky.app/profile/a/post/3k"), Some(Network::Bluesky));
        assert_eq!(Network::from_url("https://www.instagram.com/p/C1/"), Some(Network::Instagram));
        assert_eq!(Network::from_url("https://www.threads.net/@a/post/C1"), Some(Network::Threads));
        assert_eq!(Network::from_url("https://mastodon.social/@a/1"), None);
        assert_eq!(Network::from_url("https://x.com.evil.example/a"), None);
        for n in Network::ALL {
            assert_eq!(Network::from_key(n.key()), Some(n));
        }
    }
}
