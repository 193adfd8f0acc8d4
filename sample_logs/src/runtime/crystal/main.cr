# Runtime sample: Crystal's stdlib System::User, System::Group and Socket::Addrinfo, no lib binding of ours.
require "system/user"
require "system/group"
require "socket"

user = System::User.find_by(name: "root")
puts "System::User root: #{user.home_directory}"
group = System::Group.find_by(name: "root")
puts "System::Group root: #{group.id}"
addr = Socket::Addrinfo.resolve("localhost", 80, type: Socket::Type::STREAM).first
puts "Socket::Addrinfo localhost: #{addr.ip_address}"
